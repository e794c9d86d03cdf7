// Builds what the verify and restore-drill templates render (plan, refusal, one drill, the history with its
// settings form), so the controllers stay one line per route.
import { Inject, Injectable } from '@nestjs/common';
import type { FieldErrors } from '../../forms/form-validation';
import {
  HETZNER_SNAPSHOTS_OPTIONS,
  HetznerSnapshotsModuleOptions,
  pagePath,
} from '../hetzner-snapshots.options';
import { presentDrill } from './drill.presenter';
import { DrillRunStore } from './drill-run.store';
import type { DrillError } from './drill.error';
import { DrillService } from './drill.service';

/** A running drill's page reloads this often. */
const REFRESH_SECONDS = 3;

@Injectable()
export class DrillPagesService {
  constructor(
    private readonly drills: DrillService,
    private readonly store: DrillRunStore,
    @Inject(HETZNER_SNAPSHOTS_OPTIONS) private readonly options: HetznerSnapshotsModuleOptions,
  ) {}

  /** The plan with its cost, before the POST that starts the drill; a DrillError when there is none. */
  async confirmPage(imageId: number): Promise<Record<string, unknown>> {
    const plan = await this.drills.plan(imageId, { interactive: true });
    return {
      ...this.confirmCommon(),
      actionHref: this.path(`/snapshots/${imageId}/verify`),
      plan,
      snapshot: {
        id: plan.image.id,
        description: plan.image.description,
        sizeText:
          plan.image.image_size === null
            ? 'not known'
            : `${plan.image.image_size.toFixed(1)} GB (disk ${plan.image.disk_size} GB)`,
      },
    };
  }

  /** Why this snapshot cannot be drilled now, with the ways back. */
  refusalPage(err: DrillError, imageId: number): Record<string, unknown> {
    return { ...this.confirmCommon(), problem: err.message, imageId };
  }

  /** One drill, or null when there is no such drill. */
  async drillPage(id: number): Promise<Record<string, unknown> | null> {
    const run = await this.store.get(id);
    if (!run) return null;
    const view = presentDrill(run, this.options.timeZone);
    return {
      layout: this.options.layout,
      title: `Restore drill ${run.id}`,
      refreshSeconds: view.running ? REFRESH_SECONDS : undefined,
      basePath: this.path('/snapshots'),
      drillsHref: this.path('/drills'),
      drill: view,
    };
  }

  /** The history (the newest finished drill is loud when it failed) and the settings form. */
  async drillsPage(
    form: { errors?: FieldErrors; values?: Record<string, unknown> } = {},
  ): Promise<Record<string, unknown>> {
    const [runs, config] = await Promise.all([this.store.recent(30), this.store.config()]);
    const views = runs.map((r) => ({
      ...presentDrill(r, this.options.timeZone),
      href: this.path(`/drills/${r.id}`),
    }));
    const latest = views.find((v) => !v.running) ?? null;
    const values = form.values ?? {
      port: config.port === null ? '' : String(config.port),
      schedule: config.schedule,
    };
    return {
      layout: this.options.layout,
      title: 'Restore drills',
      basePath: this.path('/snapshots'),
      settingsHref: this.path('/drills/settings'),
      drills: views,
      latestFailed: latest?.failed ? latest : null,
      errors: form.errors,
      values,
      scheduleOptions: [
        { value: 'off', label: 'Off', selected: values.schedule === 'off' },
        {
          value: 'weekly',
          label: 'Weekly, on the newest automatic snapshot',
          selected: values.schedule === 'weekly',
        },
        {
          value: 'monthly',
          label: 'Monthly, on the newest automatic snapshot',
          selected: values.schedule === 'monthly',
        },
      ],
    };
  }

  /** Where "Verify" and "Restore drills" lead, from the drill pages. */
  path(p: string): string {
    return pagePath(this.options.routePrefix, p);
  }

  private confirmCommon() {
    return {
      layout: this.options.layout,
      title: 'Verify a snapshot',
      basePath: this.path('/snapshots'),
      drillsHref: this.path('/drills'),
    };
  }
}
