// Owns "how is the schedule doing": whether automatic snapshots are active or paused and why, the cron
// expression and next runs in the server's time zone, the last run and last success, and the warnings
// every page shows when snapshots stop. Read by the history and snapshots pages, the CLI and the runner.
import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { CLOCK, Clock } from '../../clock/clock';
import type { HetznerSnapshotsBanner as Banner } from '../status/layout-contribution';
import { HetznerConnectionService } from '../connection/hetzner-connection.service';
import {
  HETZNER_SNAPSHOTS_OPTIONS,
  HetznerSnapshotsModuleOptions,
  pagePath,
} from '../hetzner-snapshots.options';
import {
  describeFrequency,
  describeUnusableFrequency,
  nextRuns,
  parseFrequency,
  toCronExpression,
  type FrequencyPreset,
} from '../schedule/snapshot-schedule';
import { periodMs } from '../schedule/schedule-period';
import { spreadOffsetMinutes } from '../schedule/schedule-spread';
import { PanelLayoutContributor } from '../status/panel-layout.contributor';
import { CycleRun } from './cycle-run.entity';
import { CycleRunStore } from './cycle-run.store';
import { isOverdue } from './cycle.decisions';
import { formatPanelTime } from '../time/panel-time.format';

export interface SchedulePlan {
  enabled: boolean;
  hasToken: boolean;
  /** As saved: '6h', 'daily@03:30', 'cron:…' */
  frequency: string;
  /** "every 6 hours"; null when the saved value cannot be read. */
  frequencyText: string | null;
  /** What the cron job runs on, spread offset included; null when the frequency cannot be read. */
  expression: string | null;
  timeZone: string;
  /** The longest gap between two runs (see periodMs); null when the frequency cannot be read. */
  periodMs: number | null;
  /** Why no automatic snapshots are taken now, in words for the admin; null while the schedule is active. */
  pausedReason: string | null;
  settingsUpdatedAt: Date;
}

export interface SchedulerOverview extends SchedulePlan {
  /** The next three runs, empty while paused. */
  nextRuns: Date[];
  lastRun: CycleRun | null;
  lastSuccess: CycleRun | null;
  /** The run under way, if any. */
  running: CycleRun | null;
  /** The last finished run when it failed (shown in red until a run succeeds). */
  lastFailure: CycleRun | null;
  /** No successful automatic snapshot for more than two periods while the schedule is on. */
  overdue: boolean;
}

@Injectable()
export class SchedulerStatusService implements OnModuleInit {
  constructor(
    @Inject(HETZNER_SNAPSHOTS_OPTIONS) private readonly options: HetznerSnapshotsModuleOptions,
    private readonly connection: HetznerConnectionService,
    private readonly store: CycleRunStore,
    private readonly layout: PanelLayoutContributor,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.layout.addBannerSource(() => this.banners());
  }

  /** `spread: false` skips the per-server offset (it may need the metadata service); the expression is then unspread. */
  async schedulePlan(opts: { spread?: boolean } = {}): Promise<SchedulePlan> {
    const settings = await this.store.settings();
    const timeZone = this.options.timeZone;
    const hasToken = await this.connection.effectiveToken().then(
      (token) => token !== null,
      () => false,
    );
    const base = {
      enabled: settings.enabled,
      hasToken,
      frequency: settings.frequency,
      timeZone,
      settingsUpdatedAt: settings.updatedAt,
    };
    let preset: FrequencyPreset;
    try {
      preset = parseFrequency(settings.frequency);
    } catch (err) {
      const reason = describeUnusableFrequency(settings.frequency, err);
      return {
        ...base,
        frequencyText: null,
        expression: null,
        periodMs: null,
        pausedReason: settings.enabled ? reason : 'Automatic snapshots are off.',
      };
    }
    const offset = opts.spread !== false ? await this.offsetMinutes(preset) : 0;
    const expression = toCronExpression(preset, offset);
    let pausedReason: string | null = null;
    if (!settings.enabled) pausedReason = 'Automatic snapshots are off. Turn them on in Settings.';
    else if (!hasToken)
      pausedReason =
        'No Hetzner Cloud API token is set, so automatic snapshots are paused. Paste a Read & Write token in Settings.';
    return {
      ...base,
      frequencyText: describeFrequency(preset),
      expression,
      periodMs: periodMs(preset, timeZone),
      pausedReason,
    };
  }

  async overview(opts: { spread?: boolean } = {}): Promise<SchedulerOverview> {
    const plan = await this.schedulePlan(opts);
    const [lastRun] = await this.store.recent(1);
    const [lastSuccess, lastFinished, running] = await Promise.all([
      this.store.lastSuccess(),
      this.store.lastFinished(),
      this.store.findRunning(),
    ]);
    const now = this.clock.now();
    const upcoming =
      !plan.pausedReason && plan.expression
        ? nextRuns(plan.expression, { timeZone: plan.timeZone, from: now, count: 3 })
        : [];
    const overdue =
      plan.enabled && plan.periodMs !== null
        ? isOverdue({
            now,
            lastSuccessAt: lastSuccess?.finishedAt ?? null,
            since: plan.settingsUpdatedAt,
            periodMs: plan.periodMs,
          })
        : false;
    return {
      ...plan,
      nextRuns: upcoming,
      lastRun: lastRun ?? null,
      lastSuccess,
      running: running[0] ?? null,
      lastFailure: lastFinished && lastFinished.status !== 'succeeded' ? lastFinished : null,
      overdue,
    };
  }

  /** Warnings for every page: snapshots overdue (yellow), the last cycle failed (red). Database only, no API calls. */
  async banners(): Promise<Banner[]> {
    // Every page view asks: only the database, never the metadata service or the API.
    const overview = await this.overview({ spread: false });
    const history = pagePath(this.options.routePrefix, '/history');
    const banners: Banner[] = [];
    if (overview.lastFailure) {
      const run = overview.lastFailure;
      const what = run.trigger === 'prune' ? 'The last prune' : 'The last automatic snapshot';
      const when = formatPanelTime(run.finishedAt ?? run.startedAt, overview.timeZone);
      banners.push({
        kind: 'error',
        message: `${what} failed (${when}): ${run.errorMessage ?? 'no reason recorded'}`,
        href: history,
        linkText: 'See the history',
      });
    }
    if (overview.enabled && overview.pausedReason) {
      // Switched on but not running is the silent failure that matters most: say so everywhere.
      banners.push({
        kind: 'warning',
        message: overview.pausedReason,
        href: pagePath(this.options.routePrefix, '/settings'),
        linkText: 'Open Settings',
      });
    }
    if (overview.overdue) {
      const last = overview.lastSuccess?.finishedAt;
      const since = last
        ? `the last one finished ${formatPanelTime(last, overview.timeZone)}`
        : 'none has succeeded yet';
      banners.push({
        kind: 'warning',
        message: `No successful automatic snapshot for more than two periods (${overview.frequencyText ?? overview.frequency}): ${since}.`,
        href: history,
        linkText: 'See the history',
      });
    }
    return banners;
  }

  /** The stable per-server spread, so servers sharing a project's rate limit do not all start at once. */
  private async offsetMinutes(preset: FrequencyPreset): Promise<number> {
    const spreadMinutes = this.options.scheduleSpreadMinutes;
    // Only to spare the server id lookup: spreadOffsetMinutes is the rule.
    if (preset.kind !== 'hours' || spreadMinutes <= 0) return 0;
    try {
      return spreadOffsetMinutes({ preset, serverId: await this.connection.serverId(), spreadMinutes });
    } catch {
      // Without a server id there is nothing to snapshot either; the cycle reports that when it runs.
      return 0;
    }
  }
}
