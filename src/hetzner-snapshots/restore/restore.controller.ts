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
import { ImageIdPipe } from '../image-id.pipe';
import type { Request, Response } from 'express';
import { CLOCK, Clock } from '../../clock/clock';
import { FieldErrors, validateForm } from '../../forms/form-validation';
import {
  HETZNER_SNAPSHOTS_OPTIONS,
  HetznerSnapshotsModuleOptions,
  pagePath,
} from '../hetzner-snapshots.options';
import {
  actorOf,
  HETZNER_SNAPSHOTS_HOST_PORT,
  HetznerSnapshotsHostPort,
} from '../hetzner-snapshots.host-port';
import { pluginView } from '../hetzner-snapshots.views';
import { PluginAccessGuard } from '../plugin-access.guard';
import { formatDuration } from '../time/duration.format';
import { formatStamp } from '../time/panel-time.format';
import { RestoreDto } from './restore.dto';
import { RestoreError, RestoreJob, RestoreService, RestoreTarget } from './restore.service';

const CONFIRM_VIEW = pluginView('restore');
const PROGRESS_VIEW = pluginView('restore-progress');
/** While the safety snapshot is made, the progress page reloads itself (no script needed). */
const REFRESH_SECONDS = 3;

@Controller('snapshots')
@UseGuards(PluginAccessGuard)
export class RestoreController {
  constructor(
    private readonly restore: RestoreService,
    @Inject(HETZNER_SNAPSHOTS_OPTIONS) private readonly options: HetznerSnapshotsModuleOptions,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(HETZNER_SNAPSHOTS_HOST_PORT) private readonly host: HetznerSnapshotsHostPort,
  ) {}

  @Get(':id/restore')
  async confirmPage(@Param('id', ImageIdPipe) imageId: number, @Res() res: Response) {
    if (this.isRunningFor(this.restore.current(), imageId))
      return res.redirect(303, this.path(`/snapshots/${imageId}/restore/progress`));
    const target = await this.loadTarget(res, imageId);
    if (target) this.renderConfirm(res, 200, target, {});
  }

  @Post(':id/restore')
  async submit(
    @Req() req: Request,
    @Param('id', ImageIdPipe) imageId: number,
    @Body() body: unknown,
    @Res() res: Response,
  ) {
    const form = validateForm(RestoreDto, body);
    const target = await this.loadTarget(res, imageId);
    if (!target) return;
    if (!form.ok) return this.renderConfirm(res, 400, target, { errors: form.errors, values: form.values });
    try {
      await this.restore.start({
        target,
        confirmServerName: form.value.confirmServerName,
        safetySnapshot: form.value.skipSafetySnapshot !== '1',
        actor: actorOf(this.host, req),
      });
    } catch (err) {
      if (!(err instanceof RestoreError)) throw err;
      const values = {
        confirmServerName: form.value.confirmServerName,
        skipSafetySnapshot: form.value.skipSafetySnapshot,
      };
      if (err.code === 'wrong_name')
        return this.renderConfirm(res, 400, target, { errors: { confirmServerName: err.message }, values });
      if (err.code === 'busy') {
        this.host.flash(req, res, { kind: 'warning', message: err.message });
        return res.redirect(
          303,
          this.path(`/snapshots/${this.restore.current()?.imageId ?? imageId}/restore/progress`),
        );
      }
      return this.renderConfirm(res, 409, target, { problem: err.message, values });
    }
    res.redirect(303, this.path(`/snapshots/${imageId}/restore/progress`));
  }

  @Get(':id/restore/progress')
  progressPage(@Param('id', ImageIdPipe) imageId: number, @Res() res: Response) {
    const job = this.restore.current();
    if (!job || job.imageId !== imageId) return res.redirect(303, this.path(`/snapshots/${imageId}/restore`));
    const active = this.isRunningFor(job, imageId) || job.phase === 'started';
    // Shown once: the next view (or a reload) no longer has it.
    const rootPassword =
      job.phase === 'finished' || job.phase === 'started' ? this.restore.takeRootPassword() : null;
    res.render(PROGRESS_VIEW, {
      layout: this.options.layout,
      title: 'Restore from snapshot',
      refreshSeconds: active ? REFRESH_SECONDS : undefined,
      basePath: this.path('/snapshots'),
      restoreHref: this.path(`/snapshots/${imageId}/restore`),
      job,
      phase: {
        safety: job.phase === 'safety-snapshot',
        rebuilding: job.phase === 'rebuilding',
        started: job.phase === 'started',
        finished: job.phase === 'finished',
        rebuilt: job.phase === 'started' || job.phase === 'finished',
        failed: job.phase === 'failed',
      },
      rootPassword,
      startedText: formatStamp(job.startedAt, this.options.timeZone),
    });
  }

  /** The server and the snapshot, or null after answering with a page that says why there are none. */
  private async loadTarget(res: Response, imageId: number): Promise<RestoreTarget | null> {
    try {
      return await this.restore.target(imageId);
    } catch (err) {
      if (!(err instanceof RestoreError)) throw err;
      if (err.code === 'not_found') throw new NotFoundException(err.message);
      res.status(503).render(CONFIRM_VIEW, {
        layout: this.options.layout,
        title: 'Restore from snapshot',
        basePath: this.path('/snapshots'),
        problem: err.message,
        imageId,
      });
      return null;
    }
  }

  private renderConfirm(
    res: Response,
    status: number,
    target: RestoreTarget,
    extra: { errors?: FieldErrors; values?: Record<string, unknown>; problem?: string },
  ) {
    const { server, image, blocker, checks, estimateMinutes } = target;
    const created = new Date(image.created);
    res.status(status).render(CONFIRM_VIEW, {
      layout: this.options.layout,
      title: 'Restore from snapshot',
      basePath: this.path('/snapshots'),
      actionHref: this.path(`/snapshots/${image.id}/restore`),
      imageId: image.id,
      server: { id: server.id, name: server.name },
      confirmHint: `Type ${server.name} exactly, as a last look at which server this is.`,
      snapshot: {
        id: image.id,
        description: image.description,
        createdAt: formatStamp(created, this.options.timeZone),
        age: `${formatDuration(Math.max(0, this.clock.now().getTime() - created.getTime()))} ago`,
        sizeText:
          image.image_size === null
            ? 'not known yet'
            : `${image.image_size.toFixed(1)} GB (disk ${image.disk_size} GB)`,
      },
      blocker: blocker?.message ?? null,
      checks: checks.map((c) => ({ ...c, mark: c.ok ? 'OK' : 'FAIL' })),
      estimateText: `A rebuild of this size likely takes about ${estimateMinutes} minute${estimateMinutes === 1 ? '' : 's'}${image.image_size === null ? '' : ` (${image.image_size.toFixed(1)} GB)`}.`,
      problem: extra.problem ?? null,
      errors: extra.errors,
      values: extra.values,
      skipChecked: extra.values?.skipSafetySnapshot === '1',
    });
  }

  private isRunningFor(job: RestoreJob | null, imageId: number): boolean {
    return (
      job !== null &&
      job.imageId === imageId &&
      (job.phase === 'safety-snapshot' || job.phase === 'rebuilding')
    );
  }

  private path(p: string): string {
    return pagePath(this.options.routePrefix, p);
  }
}
