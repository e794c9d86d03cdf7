import {
  Body,
  Controller,
  Get,
  NotFoundException,
  Param,
  Post,
  Query,
  Req,
  Res,
  UseGuards,
} from '@nestjs/common';
import type { Response } from 'express';
import { validateForm } from '../../forms/form-validation';
import { Flash, setFlash } from '../../host/web/flash';
import type { PanelRequest } from '../../host/web/request-context';
import { PluginAccessGuard } from '../plugin-access.guard';
import { SnapshotOperationError } from './snapshot-operation.error';
import { parsePageParam } from './snapshots.presenter';
import { SnapshotsPageService } from './snapshots-page.service';
import { Caller, SnapshotsService } from './snapshots.service';
import { TakeSnapshotDto } from './take-snapshot.dto';

const LIST_VIEW = 'hetzner-snapshots/snapshots';
const DELETE_VIEW = 'hetzner-snapshots/snapshots-delete';

/** Image ids in paths: anything but a positive whole number is no page at all. */
function imageId(raw: string): number {
  if (!/^[1-9]\d{0,14}$/.test(raw)) throw new NotFoundException();
  return Number(raw);
}

/** A person waits on the page: the service answers within seconds rather than retrying for a minute. */
const caller = (req: PanelRequest): Caller => ({
  actor: `admin:${req.admin?.username ?? 'unknown'}`,
  interactive: true,
});

@Controller('snapshots')
@UseGuards(PluginAccessGuard)
export class SnapshotsController {
  constructor(
    private readonly pages: SnapshotsPageService,
    private readonly snapshots: SnapshotsService,
  ) {}

  @Get()
  async list(@Query('page') page: unknown, @Res() res: Response) {
    res.render(LIST_VIEW, await this.pages.listPage(parsePageParam(page)));
  }

  @Post()
  async take(@Req() req: PanelRequest, @Body() body: unknown, @Res() res: Response) {
    const form = validateForm(TakeSnapshotDto, body);
    if (!form.ok)
      return res
        .status(400)
        .render(LIST_VIEW, await this.pages.listPage(1, { values: form.values, errors: form.errors }));
    await this.run(res, async () => {
      const result = await this.snapshots.takeSnapshot({ ...form.value, caller: caller(req) });
      return result.kind === 'repeat'
        ? { kind: 'info', message: 'That form was sent twice; one snapshot was started.' }
        : {
            kind: 'success',
            message: `Snapshot “${result.image.description}” started. It is shown as creating until Hetzner has finished it.`,
          };
    });
  }

  @Get(':id/delete')
  async confirmDelete(@Req() req: PanelRequest, @Param('id') id: string, @Res() res: Response) {
    const image = await this.guard(res, () => this.snapshots.findSnapshot(imageId(id), caller(req)));
    if (!image) return res.redirect(303, this.pages.basePath);
    res.render(DELETE_VIEW, this.pages.confirmDeletePage(image));
  }

  @Post(':id/delete')
  async delete(@Req() req: PanelRequest, @Param('id') id: string, @Res() res: Response) {
    await this.run(res, async () => {
      const image = await this.snapshots.deleteSnapshot(imageId(id), caller(req));
      return { kind: 'success', message: `Snapshot “${image.description || image.id}” deleted.` };
    });
  }

  @Post(':id/protect')
  async protect(@Req() req: PanelRequest, @Param('id') id: string, @Res() res: Response) {
    await this.run(res, async () => {
      const { image, changed } = await this.snapshots.setProtection(imageId(id), true, caller(req));
      return {
        kind: changed ? 'success' : 'info',
        message: `Snapshot “${image.description || image.id}” ${changed ? 'is now' : 'was already'} protected against deletion.`,
      };
    });
  }

  @Post(':id/unprotect')
  async unprotect(@Req() req: PanelRequest, @Param('id') id: string, @Res() res: Response) {
    await this.run(res, async () => {
      const { image, changed } = await this.snapshots.setProtection(imageId(id), false, caller(req));
      return {
        kind: changed ? 'success' : 'info',
        message: `Snapshot “${image.description || image.id}” ${changed ? 'is no longer' : 'was not'} protected against deletion.`,
      };
    });
  }

  @Post(':id/keep')
  async keep(@Req() req: PanelRequest, @Param('id') id: string, @Res() res: Response) {
    await this.run(res, async () => {
      const { image, changed } = await this.snapshots.setKept(imageId(id), true, caller(req));
      return {
        kind: changed ? 'success' : 'info',
        message: `Snapshot “${image.description || image.id}” ${changed ? 'is now' : 'was already'} kept: retention never removes it.`,
      };
    });
  }

  @Post(':id/unkeep')
  async unkeep(@Req() req: PanelRequest, @Param('id') id: string, @Res() res: Response) {
    await this.run(res, async () => {
      const { image, changed } = await this.snapshots.setKept(imageId(id), false, caller(req));
      return {
        kind: changed ? 'success' : 'info',
        message: `Snapshot “${image.description || image.id}” ${changed ? 'is automatic again: retention may remove it when it is old' : 'was not marked to keep'}.`,
      };
    });
  }

  /** Post → redirect → get: the outcome, good or bad, travels as a flash message to the list. */
  private async run(res: Response, change: () => Promise<Flash>): Promise<void> {
    const flash = await this.guard(res, change);
    if (flash) setFlash(res, flash, res.locals.secure as boolean);
    res.redirect(303, this.pages.basePath);
  }

  /** Runs `work`; a snapshot that is not this server's is a 404, any other refusal a flash (and null). */
  private async guard<T>(res: Response, work: () => Promise<T>): Promise<T | null> {
    try {
      return await work();
    } catch (err) {
      if (!(err instanceof SnapshotOperationError)) throw err;
      if (err.code === 'not_found') throw new NotFoundException(err.message);
      const kind = err.code === 'in_progress' ? 'warning' : 'error';
      setFlash(res, { kind, message: err.message }, res.locals.secure as boolean);
      return null;
    }
  }
}
