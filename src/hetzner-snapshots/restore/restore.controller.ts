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
import { validateForm } from '../../forms/form-validation';
import {
  actorOf,
  HETZNER_SNAPSHOTS_HOST_PORT,
  HetznerSnapshotsHostPort,
} from '../hetzner-snapshots.host-port';
import { pluginView } from '../hetzner-snapshots.views';
import { PluginAccessGuard } from '../plugin-access.guard';
import { RestoreDto } from './restore.dto';
import { ConfirmFormState, isRunningFor, RestorePagesService } from './restore-pages.service';
import { RestoreError, RestoreService, RestoreTarget } from './restore.service';

const CONFIRM_VIEW = pluginView('restore');
const PROGRESS_VIEW = pluginView('restore-progress');

@Controller('snapshots')
@UseGuards(PluginAccessGuard)
export class RestoreController {
  constructor(
    private readonly restore: RestoreService,
    private readonly pages: RestorePagesService,
    @Inject(HETZNER_SNAPSHOTS_HOST_PORT) private readonly host: HetznerSnapshotsHostPort,
  ) {}

  @Get(':id/restore')
  async confirmPage(@Param('id', ImageIdPipe) imageId: number, @Res() res: Response) {
    if (isRunningFor(this.restore.current(), imageId))
      return res.redirect(303, this.pages.path(`/snapshots/${imageId}/restore/progress`));
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
          this.pages.path(`/snapshots/${this.restore.current()?.imageId ?? imageId}/restore/progress`),
        );
      }
      return this.renderConfirm(res, 409, target, { problem: err.message, values });
    }
    res.redirect(303, this.pages.path(`/snapshots/${imageId}/restore/progress`));
  }

  @Get(':id/restore/progress')
  progressPage(@Param('id', ImageIdPipe) imageId: number, @Res() res: Response) {
    const job = this.restore.current();
    if (!job || job.imageId !== imageId)
      return res.redirect(303, this.pages.path(`/snapshots/${imageId}/restore`));
    res.render(PROGRESS_VIEW, this.pages.progressPage(job, imageId));
  }

  /** The server and the snapshot, or null after answering with a page that says why there are none. */
  private async loadTarget(res: Response, imageId: number): Promise<RestoreTarget | null> {
    try {
      return await this.restore.target(imageId);
    } catch (err) {
      if (!(err instanceof RestoreError)) throw err;
      if (err.code === 'not_found') throw new NotFoundException(err.message);
      res.status(503).render(CONFIRM_VIEW, this.pages.unavailablePage(err, imageId));
      return null;
    }
  }

  private renderConfirm(res: Response, status: number, target: RestoreTarget, form: ConfirmFormState) {
    res.status(status).render(CONFIRM_VIEW, this.pages.confirmPage(target, form));
  }
}
