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
import { PluginAccessGuard } from '../plugin-access.guard';
import { DrillPagesService } from './drill-pages.service';
import { DrillRunStore } from './drill-run.store';
import { DrillError, DrillService } from './drill.service';
import { DrillSettingsDto } from './verify.dto';

const CONFIRM_VIEW = pluginView('verify');
const DRILL_VIEW = pluginView('drill');
const DRILLS_VIEW = pluginView('drills');

/** "Verify" on the snapshots page: the plan with its cost, then a POST (CSRF) that starts the drill. */
@Controller('snapshots')
@UseGuards(PluginAccessGuard)
export class VerifyController {
  constructor(
    @Inject(HETZNER_SNAPSHOTS_HOST_PORT) private readonly host: HetznerSnapshotsHostPort,
    private readonly drills: DrillService,
    private readonly pages: DrillPagesService,
  ) {}

  @Get(':id/verify')
  async confirmPage(@Param('id', ImageIdPipe) imageId: number, @Res() res: Response) {
    try {
      res.render(CONFIRM_VIEW, await this.pages.confirmPage(imageId));
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
      res.redirect(303, this.pages.path(`/drills/${run.id}`));
    } catch (err) {
      if (err instanceof DrillError && err.code === 'busy') {
        this.host.flash(req, res, { kind: 'warning', message: err.message });
        return res.redirect(303, this.pages.path('/drills'));
      }
      this.refusal(res, err, imageId);
    }
  }

  private refusal(res: Response, err: unknown, imageId: number): void {
    if (!(err instanceof DrillError)) throw err;
    if (err.code === 'not_found') throw new NotFoundException(err.message);
    res
      .status(err.code === 'unavailable' ? 503 : 409)
      .render(CONFIRM_VIEW, this.pages.refusalPage(err, imageId));
  }
}

/** Restore drills: history (a failed one is loud), settings (port, schedule), and one drill's progress. */
@Controller('drills')
@UseGuards(PluginAccessGuard)
export class DrillsController {
  constructor(
    @Inject(HETZNER_SNAPSHOTS_HOST_PORT) private readonly host: HetznerSnapshotsHostPort,
    private readonly store: DrillRunStore,
    private readonly pages: DrillPagesService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get()
  async list(@Res() res: Response) {
    res.render(DRILLS_VIEW, await this.pages.drillsPage());
  }

  @Post('settings')
  async saveSettings(@Req() req: Request, @Body() body: unknown, @Res() res: Response) {
    const form = validateForm(DrillSettingsDto, body);
    if (!form.ok)
      return res
        .status(400)
        .render(DRILLS_VIEW, await this.pages.drillsPage({ errors: form.errors, values: form.values }));
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
    res.redirect(303, this.pages.path('/drills'));
  }

  @Get(':id')
  async one(@Param('id', ImageIdPipe) id: number, @Res() res: Response) {
    const page = await this.pages.drillPage(id);
    if (!page) throw new NotFoundException();
    res.render(DRILL_VIEW, page);
  }
}
