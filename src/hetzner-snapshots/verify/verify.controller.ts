import {
  Body,
  Controller,
  Get,
  Inject,
  NotFoundException,
  Param,
  Post,
  Req,
  Res,
  UseGuards,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { CLOCK, Clock } from '../../clock/clock';
import { validateForm } from '../../forms/form-validation';
import {
  actorOf,
  HETZNER_SNAPSHOTS_HOST_PORT,
  HetznerSnapshotsHostPort,
} from '../hetzner-snapshots.host-port';
import { ImageIdPipe } from '../image-id.pipe';
import { pluginView } from '../hetzner-snapshots.views';
import {
  HETZNER_SNAPSHOTS_OPTIONS,
  HetznerSnapshotsModuleOptions,
  pagePath,
} from '../hetzner-snapshots.options';
import { PluginAccessGuard } from '../plugin-access.guard';
import { presentDrill } from './drill.presenter';
import { DrillRunStore } from './drill-run.store';
import { DrillError, DrillService } from './drill.service';
import { DrillSettingsDto } from './verify.dto';

const CONFIRM_VIEW = pluginView('verify');
const DRILL_VIEW = pluginView('drill');
const DRILLS_VIEW = pluginView('drills');
const REFRESH_SECONDS = 3;

/** "Verify" on the snapshots page: the plan with its cost, then a POST (CSRF) that starts the drill. */
@Controller('snapshots')
@UseGuards(PluginAccessGuard)
export class VerifyController {
  constructor(
    @Inject(HETZNER_SNAPSHOTS_HOST_PORT) private readonly host: HetznerSnapshotsHostPort,
    private readonly drills: DrillService,
    @Inject(HETZNER_SNAPSHOTS_OPTIONS) private readonly options: HetznerSnapshotsModuleOptions,
  ) {}

  @Get(':id/verify')
  async confirmPage(@Param('id', ImageIdPipe) imageId: number, @Res() res: Response) {
    try {
      const plan = await this.drills.plan(imageId, { interactive: true });
      res.render(CONFIRM_VIEW, {
        layout: this.options.layout,
        title: 'Verify a snapshot',
        basePath: this.path('/snapshots'),
        drillsHref: this.path('/drills'),
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
      });
    } catch (err) {
      this.refusal(res, err, imageId);
    }
  }

  @Post(':id/verify')
  async start(@Req() req: Request, @Param('id', ImageIdPipe) imageId: number, @Res() res: Response) {
    try {
      const { run } = await this.drills.begin({
        imageId,
        trigger: 'page',
        actor: actorOf(this.host, req),
      });
      res.redirect(303, this.path(`/drills/${run.id}`));
    } catch (err) {
      if (err instanceof DrillError && err.code === 'busy') {
        this.host.flash(req, res, { kind: 'warning', message: err.message });
        return res.redirect(303, this.path('/drills'));
      }
      this.refusal(res, err, imageId);
    }
  }

  private refusal(res: Response, err: unknown, imageId: number): void {
    if (!(err instanceof DrillError)) throw err;
    if (err.code === 'not_found') throw new NotFoundException(err.message);
    res.status(err.code === 'unavailable' ? 503 : 409).render(CONFIRM_VIEW, {
      layout: this.options.layout,
      title: 'Verify a snapshot',
      basePath: this.path('/snapshots'),
      drillsHref: this.path('/drills'),
      problem: err.message,
      imageId,
    });
  }

  private path(p: string): string {
    return pagePath(this.options.routePrefix, p);
  }
}

/** Restore drills: history (a failed one is loud), settings (port, schedule), and one drill's progress. */
@Controller('drills')
@UseGuards(PluginAccessGuard)
export class DrillsController {
  constructor(
    @Inject(HETZNER_SNAPSHOTS_HOST_PORT) private readonly host: HetznerSnapshotsHostPort,
    private readonly store: DrillRunStore,
    @Inject(HETZNER_SNAPSHOTS_OPTIONS) private readonly options: HetznerSnapshotsModuleOptions,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get()
  async list(@Res() res: Response) {
    await this.renderList(res, 200, {});
  }

  @Post('settings')
  async saveSettings(@Req() req: Request, @Body() body: unknown, @Res() res: Response) {
    const form = validateForm(DrillSettingsDto, body);
    if (!form.ok) return this.renderList(res, 400, { errors: form.errors, values: form.values });
    const changes = await this.store.saveConfig({
      port: form.value.port ?? null,
      schedule: form.value.schedule,
      at: this.clock.now(),
      actor: actorOf(this.host, req),
    });
    this.host.flash(
      req,
      res,
      changes.length
        ? { kind: 'success', message: 'Drill settings saved.' }
        : { kind: 'info', message: 'Nothing changed: the form held the saved drill settings.' },
    );
    res.redirect(303, this.path('/drills'));
  }

  @Get(':id')
  async one(@Param('id', ImageIdPipe) id: number, @Res() res: Response) {
    const run = await this.store.get(id);
    if (!run) throw new NotFoundException();
    const view = presentDrill(run, this.options.timeZone);
    res.render(DRILL_VIEW, {
      layout: this.options.layout,
      title: `Restore drill ${run.id}`,
      refreshSeconds: view.running ? REFRESH_SECONDS : undefined,
      basePath: this.path('/snapshots'),
      drillsHref: this.path('/drills'),
      drill: view,
    });
  }

  private async renderList(
    res: Response,
    status: number,
    extra: { errors?: Record<string, string>; values?: Record<string, unknown> },
  ) {
    const [runs, config] = await Promise.all([this.store.recent(30), this.store.config()]);
    const views = runs.map((r) => ({
      ...presentDrill(r, this.options.timeZone),
      href: this.path(`/drills/${r.id}`),
    }));
    const latest = views.find((v) => !v.running) ?? null;
    const values = extra.values ?? {
      port: config.port === null ? '' : String(config.port),
      schedule: config.schedule,
    };
    res.status(status).render(DRILLS_VIEW, {
      layout: this.options.layout,
      title: 'Restore drills',
      basePath: this.path('/snapshots'),
      settingsHref: this.path('/drills/settings'),
      drills: views,
      latestFailed: latest?.failed ? latest : null,
      errors: extra.errors,
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
    });
  }

  private path(p: string): string {
    return pagePath(this.options.routePrefix, p);
  }
}
