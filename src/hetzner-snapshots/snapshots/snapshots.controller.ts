import {
  Body,
  Controller,
  Get,
  Inject,
  NotFoundException,
  Param,
  Post,
  Query,
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
  HetznerSnapshotsFlash as Flash,
  HetznerSnapshotsHostPort,
} from '../hetzner-snapshots.host-port';
import { pluginView } from '../hetzner-snapshots.views';
import { PluginAccessGuard } from '../plugin-access.guard';
import { SnapshotOperationError } from './snapshot-operation.error';
import { parseFilterParams, parsePageParam } from './snapshots.presenter';
import { SnapshotsPageService } from './snapshots-page.service';
import { Caller, SnapshotsService } from './snapshots.service';
import { TakeSnapshotDto } from './take-snapshot.dto';

const LIST_VIEW = pluginView('snapshots');
const DELETE_VIEW = pluginView('snapshots-delete');

/** A person waits on the page: the service answers within seconds rather than retrying for a minute. */
const caller = (host: HetznerSnapshotsHostPort, req: Request): Caller => ({
  actor: actorOf(host, req),
  interactive: true,
});

@Controller('snapshots')
@UseGuards(PluginAccessGuard)
export class SnapshotsController {
  constructor(
    private readonly pages: SnapshotsPageService,
    private readonly snapshots: SnapshotsService,
    @Inject(HETZNER_SNAPSHOTS_HOST_PORT) private readonly host: HetznerSnapshotsHostPort,
  ) {}

  @Get()
  async list(
    @Query('page') page: unknown,
    @Query('kind') kind: unknown,
    @Query('q') text: unknown,
    @Res() res: Response,
  ) {
    res.render(LIST_VIEW, await this.pages.listPage(parsePageParam(page), {}, parseFilterParams(kind, text)));
  }

  @Post()
  async take(@Req() req: Request, @Body() body: unknown, @Res() res: Response) {
    const form = validateForm(TakeSnapshotDto, body);
    if (!form.ok)
      return res
        .status(400)
        .render(LIST_VIEW, await this.pages.listPage(1, { values: form.values, errors: form.errors }));
    await this.run(req, res, async () => {
      const result = await this.snapshots.takeSnapshot({ ...form.value, caller: caller(this.host, req) });
      return result.kind === 'repeat'
        ? { kind: 'info', message: 'That form was sent twice; one snapshot was started.' }
        : {
            kind: 'success',
            message: `Snapshot “${result.image.description}” started. It is shown as creating until Hetzner has finished it.`,
          };
    });
  }

  @Get(':id/delete')
  async confirmDelete(@Req() req: Request, @Param('id', ImageIdPipe) id: number, @Res() res: Response) {
    const image = await this.guard(req, res, () => this.snapshots.findSnapshot(id, caller(this.host, req)));
    if (!image) return res.redirect(303, this.pages.basePath);
    res.render(DELETE_VIEW, this.pages.confirmDeletePage(image));
  }

  @Post(':id/delete')
  async delete(@Req() req: Request, @Param('id', ImageIdPipe) id: number, @Res() res: Response) {
    await this.run(req, res, async () => {
      const image = await this.snapshots.deleteSnapshot(id, caller(this.host, req));
      return { kind: 'success', message: `Snapshot “${image.description || image.id}” deleted.` };
    });
  }

  @Post(':id/protect')
  async protect(@Req() req: Request, @Param('id', ImageIdPipe) id: number, @Res() res: Response) {
    await this.run(req, res, async () => {
      const { image, changed } = await this.snapshots.setProtection(id, true, caller(this.host, req));
      return {
        kind: changed ? 'success' : 'info',
        message: `Snapshot “${image.description || image.id}” ${changed ? 'is now' : 'was already'} protected against deletion.`,
      };
    });
  }

  @Post(':id/unprotect')
  async unprotect(@Req() req: Request, @Param('id', ImageIdPipe) id: number, @Res() res: Response) {
    await this.run(req, res, async () => {
      const { image, changed } = await this.snapshots.setProtection(id, false, caller(this.host, req));
      return {
        kind: changed ? 'success' : 'info',
        message: `Snapshot “${image.description || image.id}” ${changed ? 'is no longer' : 'was not'} protected against deletion.`,
      };
    });
  }

  @Post(':id/keep')
  async keep(@Req() req: Request, @Param('id', ImageIdPipe) id: number, @Res() res: Response) {
    await this.run(req, res, async () => {
      const { image, changed } = await this.snapshots.setKept(id, true, caller(this.host, req));
      return {
        kind: changed ? 'success' : 'info',
        message: `Snapshot “${image.description || image.id}” ${changed ? 'is now' : 'was already'} kept: retention never removes it.`,
      };
    });
  }

  @Post(':id/unkeep')
  async unkeep(@Req() req: Request, @Param('id', ImageIdPipe) id: number, @Res() res: Response) {
    await this.run(req, res, async () => {
      const { image, changed } = await this.snapshots.setKept(id, false, caller(this.host, req));
      return {
        kind: changed ? 'success' : 'info',
        message: `Snapshot “${image.description || image.id}” ${changed ? 'is automatic again: retention may remove it when it is old' : 'was not marked to keep'}.`,
      };
    });
  }

  /** Post → redirect → get: the outcome, good or bad, travels as a flash message to the list. */
  private async run(req: Request, res: Response, change: () => Promise<Flash>): Promise<void> {
    const flash = await this.guard(req, res, change);
    if (flash) this.host.flash(req, res, flash);
    res.redirect(303, this.pages.basePath);
  }

  /** Runs `work`; a snapshot that is not this server's is a 404, any other refusal a flash (and null). */
  private async guard<T>(req: Request, res: Response, work: () => Promise<T>): Promise<T | null> {
    try {
      return await work();
    } catch (err) {
      if (!(err instanceof SnapshotOperationError)) throw err;
      if (err.code === 'not_found') throw new NotFoundException(err.message);
      const kind = err.code === 'in_progress' ? 'warning' : 'error';
      this.host.flash(req, res, { kind, message: err.message });
      return null;
    }
  }
}
