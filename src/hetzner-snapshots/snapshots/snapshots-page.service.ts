// Builds what the snapshots page templates render, from the service's state and the presenter, so the
// controller stays one line per route.
import { Inject, Injectable } from '@nestjs/common';
import { PluginLogger } from '../logging/plugin.logger';
import { CLOCK, Clock } from '../../clock/clock';
import type { FieldErrors } from '../../forms/form-validation';
import {
  HETZNER_SNAPSHOTS_OPTIONS,
  HetznerSnapshotsModuleOptions,
  pagePath,
} from '../hetzner-snapshots.options';
import { pageRefreshSeconds } from '../connection/api-budget';
import { HcloudImage } from '../hcloud';
import { snapshotOrigin } from '../labels/snapshot-labels';
import { SchedulerOverview, SchedulerStatusService } from '../cycle/scheduler-status.service';
import { presentScheduleCard } from './schedule-card.presenter';
import { DESCRIPTION_HINT, DESCRIPTION_MAX_LENGTH } from './snapshot-description';
import { formatClockTime, formatPanelTime } from '../time/panel-time.format';
import { formatRelative } from '../time/duration.format';
import { formatGb } from './snapshot-format';
import { NO_FILTER, presentSnapshots, SnapshotsFilter } from './snapshots.presenter';
import { SnapshotListingService } from './snapshot-listing.service';
import { PageDeadline } from './page-deadline';
import { SnapshotsService } from './snapshots.service';
import { CoverageService } from '../not-covered/coverage.service';
import { LimitStore } from '../limits/limit.store';
import { DrillRunStore } from '../verify/drill-run.store';
import { presentVerification } from '../verify/drill.presenter';

/** How often a page with a snapshot being created reloads (meta refresh) or re-fetches its list (panel.js). */
export const CREATING_REFRESH_SECONDS = 5;

export interface TakeFormState {
  values?: Record<string, unknown>;
  errors?: FieldErrors;
}

@Injectable()
export class SnapshotsPageService {
  constructor(
    private readonly listing: SnapshotListingService,
    private readonly snapshots: SnapshotsService,
    @Inject(HETZNER_SNAPSHOTS_OPTIONS) private readonly options: HetznerSnapshotsModuleOptions,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly scheduler: SchedulerStatusService,
    private readonly coverage: CoverageService,
    private readonly drills: DrillRunStore,
    private readonly limits: LimitStore,
  ) {}

  private readonly logger = new PluginLogger('SnapshotsPage');

  get basePath(): string {
    return pagePath(this.options.routePrefix, '/snapshots');
  }

  /** The list page: every state it can be in, each with a way forward. */
  async listPage(
    page: number,
    form: TakeFormState = {},
    filter: SnapshotsFilter = NO_FILTER,
  ): Promise<Record<string, unknown>> {
    // One budget for the list and what is not covered: a hanging API costs the page 8 s, not 8 s per part.
    const deadline = new PageDeadline();
    const state = await this.listing.state(deadline);
    const now = this.clock.now();
    const timeZone = this.snapshots.timeZone;
    const basePath = this.basePath;
    const common = {
      title: 'Snapshots',
      layout: this.options.layout,
      basePath,
      settingsHref: pagePath(this.options.routePrefix, '/settings'),
      timeZone,
    };
    if (state.kind === 'no-token') return { ...common, noToken: true, tokenMessage: state.message };
    if (state.kind === 'not-on-hetzner')
      return { ...common, notOnHetzner: true, notOnHetznerMessage: state.message };
    const query = new URLSearchParams();
    if (filter.kind) query.set('kind', filter.kind);
    if (filter.text) query.set('q', filter.text);
    if (page > 1) query.set('page', String(page));
    const refreshUrl = query.size > 0 ? `${basePath}?${query.toString()}` : basePath;
    if (state.kind === 'loading') {
      return { ...common, loading: true, refreshSeconds: CREATING_REFRESH_SECONDS, refreshUrl };
    }
    if (state.kind === 'unavailable') {
      return {
        ...common,
        unavailable: {
          message: state.message,
          atText: formatPanelTime(state.at, timeZone),
          tokenProblem: state.tokenProblem,
        },
      };
    }

    const { listing } = state;
    const overview = await this.overview();
    const list = presentSnapshots({
      images: listing.images,
      serverId: listing.serverId,
      policy: await this.snapshots.retentionPolicy(),
      now,
      timeZone,
      page,
      progress: listing.progress,
      pricing: listing.pricing,
      basePath,
      filter,
      nextRuns: overview && overview.pausedReason === null ? overview.nextRuns : [],
    });
    const own = listing.ownRunning[0];
    const inProgress = own !== undefined || list.anyCreating;
    const refreshing = inProgress || listing.refreshing;
    const [coverage, verification, limitWarning] = await Promise.all([
      deadline.race(this.coverage.view({ server: listing.server, pricing: listing.pricing }), null),
      presentVerification({
        store: this.drills,
        imageIds: list.rows.map((row) => row.id),
        timeZone,
        drillsHref: pagePath(this.options.routePrefix, '/drills'),
      }),
      this.limits.snapshotWarning(listing.images.length).then((warning) => warning?.text ?? null),
    ]);
    return {
      ...common,
      list,
      coverage: coverage && {
        ...coverage,
        guideHref: pagePath(this.options.routePrefix, coverage.guideHref),
      },
      verification,
      limitWarning,
      schedule: overview ? presentScheduleCard(overview, now, timeZone) : null,
      historyHref: pagePath(this.options.routePrefix, '/history'),
      serverName: listing.server?.name ?? `server ${listing.serverId}`,
      listed: {
        text: formatClockTime(listing.listedAt, timeZone),
        full: formatPanelTime(listing.listedAt, timeZone),
        relative: formatRelative(listing.listedAt, now),
        iso: listing.listedAt.toISOString(),
      },
      stale: listing.lastError ? { message: listing.lastError, tokenProblem: listing.tokenProblem } : null,
      failures: listing.recentFailures,
      refreshSeconds: refreshing
        ? pageRefreshSeconds(listing.budget.pressure, CREATING_REFRESH_SECONDS)
        : undefined,
      refreshUrl: refreshing ? refreshUrl : null,
      budgetLine: listing.budget.line,
      take: {
        requestKey: this.snapshots.issueRequestKey(),
        values: form.values ?? {},
        errors: form.errors ?? {},
        inProgress,
        inProgressText: own
          ? `A snapshot is being created (${own.progress}% done). You can take another once it is available.`
          : 'A snapshot is being created. You can take another once it is available.',
        hint: DESCRIPTION_HINT,
        maxLength: DESCRIPTION_MAX_LENGTH,
      },
    };
  }

  /** The schedule at a glance; the page still works (without the card) if it cannot be read. */
  private async overview(): Promise<SchedulerOverview | null> {
    try {
      return await this.scheduler.overview();
    } catch (err) {
      this.logger.warn(`could not read the schedule for the snapshots page: ${(err as Error).message}`);
      return null;
    }
  }

  /** The confirmation page that names the snapshot about to be deleted. */
  confirmDeletePage(image: HcloudImage, error?: string): Record<string, unknown> {
    const timeZone = this.snapshots.timeZone;
    const created = new Date(image.created);
    const origin = snapshotOrigin(image.labels);
    return {
      title: 'Delete snapshot',
      layout: this.options.layout,
      basePath: this.basePath,
      error,
      snapshot: {
        id: image.id,
        description: image.description,
        createdText: Number.isNaN(created.getTime())
          ? 'unknown'
          : `${formatPanelTime(created, timeZone)} (${formatRelative(created, this.clock.now())})`,
        sizeText: formatGb(image.image_size),
        originText: {
          auto: 'automatic, by this panel',
          manual: 'manual, by this panel',
          kept: 'kept, by this panel',
          external: 'made elsewhere',
        }[origin],
        protected: image.protection?.delete === true,
        creating: image.status === 'creating',
        actionHref: `${this.basePath}/${image.id}/delete`,
        unprotectHref: `${this.basePath}/${image.id}/unprotect`,
      },
    };
  }
}
