// The settings page: the API token (paste, check again, replace, disconnect), schedule and retention with a
// preview of the next runs, and the latest audit entries. Thin: SettingsService decides, this renders.
import { Body, Controller, Get, Inject, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import { CoverageService } from '../not-covered/coverage.service';
import { CLOCK, Clock } from '../../clock/clock';
import type { FieldErrors } from '../../forms/form-validation';
import {
  actorOf,
  HETZNER_SNAPSHOTS_HOST_PORT,
  HetznerSnapshotsHostPort,
} from '../hetzner-snapshots.host-port';
import {
  HETZNER_SNAPSHOTS_OPTIONS,
  HetznerSnapshotsModuleOptions,
  pagePath,
} from '../hetzner-snapshots.options';
import { pluginView, renderPluginPartial } from '../hetzner-snapshots.views';
import { runsPerDay } from '../schedule/snapshot-schedule';
import { RetentionPreviewService } from '../snapshots/retention-preview.service';
import type { RetentionPreview } from '../snapshots/retention-preview';
import { PluginAccessGuard } from '../plugin-access.guard';
import {
  presentAudit,
  presentScheduleForm,
  presentSummary,
  presentToken,
  presentRetentionProblem,
  presentUnusableSchedule,
} from './settings.presenter';
import { KEEP_STORED_TIERS, type ScheduleSettings } from './schedule-settings.form';
import { ScheduleSummary, SettingsService } from './settings.service';
import { plural } from '../wording/plural';

type Body = Record<string, unknown> | undefined;

interface PageState {
  tokenError?: string;
  scheduleValues?: Record<string, unknown>;
  scheduleErrors?: FieldErrors;
  preview?: ScheduleSummary;
  /** The unsaved schedule the preview describes, for its retention timeline. */
  previewSchedule?: ScheduleSettings;
}

/** Fields a form carries for transport, not for the settings. */
function settingsFields(body: Body): Record<string, unknown> {
  const rest: Record<string, unknown> = { ...(body ?? {}) };
  delete rest._csrf;
  delete rest.intent;
  return rest;
}

/** JSON with <, > and & escaped: the values echo what was typed, and no parser may mistake them for markup. */
function sendJson(res: Response, body: unknown): void {
  const text = JSON.stringify(body).replace(
    /[<>&]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  res.type('application/json').send(text);
}

@Controller()
@UseGuards(PluginAccessGuard)
export class SettingsController {
  constructor(
    private readonly service: SettingsService,
    @Inject(HETZNER_SNAPSHOTS_OPTIONS) private readonly options: HetznerSnapshotsModuleOptions,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(HETZNER_SNAPSHOTS_HOST_PORT) private readonly host: HetznerSnapshotsHostPort,
    private readonly coverage: CoverageService,
    private readonly retention: RetentionPreviewService,
  ) {}

  @Get('settings')
  async page(@Res() res: Response) {
    await this.render(res, 200, {});
  }

  @Post('settings/token')
  async saveToken(@Req() req: Request, @Res() res: Response, @Body() body: Body) {
    const result = await this.service.saveToken(body?.token, actorOf(this.host, req));
    if (!result.ok)
      return this.render(res, result.kind === 'invalid' ? 400 : 422, { tokenError: result.message });
    this.done(req, res, 'success', result.message, '#token');
  }

  @Post('settings/token/check')
  async checkToken(@Req() req: Request, @Res() res: Response) {
    const report = await this.service.recheckToken();
    this.done(req, res, report.ok ? 'success' : 'error', report.message, '#token');
  }

  @Get('settings/token/disconnect')
  async confirmDisconnect(@Res() res: Response) {
    const token = presentToken(await this.service.tokenStatus(), this.options.timeZone, this.clock.now());
    if (!token.stored) return res.redirect(303, this.path('/settings#token'));
    res.render(pluginView('settings-disconnect'), {
      title: 'Disconnect the API token',
      layout: this.options.layout,
      token,
      settingsHref: this.path('/settings'),
      action: this.path('/settings/token/disconnect'),
    });
  }

  @Post('settings/token/disconnect')
  async disconnect(@Req() req: Request, @Res() res: Response) {
    const result = await this.service.clearToken(actorOf(this.host, req));
    if (!result.ok) return this.done(req, res, 'error', result.message, '#token');
    if (!result.removed)
      return this.done(
        req,
        res,
        'info',
        'No token was stored, so there was nothing to disconnect.',
        '#token',
      );
    const paused = result.paused
      ? 'Automatic snapshots are paused. '
      : 'Automatic snapshots were already off. ';
    this.done(
      req,
      res,
      'success',
      `Disconnected: the API token is removed. ${paused}No snapshot was deleted: every existing snapshot stays in your Hetzner project, untouched.`,
      '#token',
    );
  }

  @Post('settings/schedule')
  async saveSchedule(@Req() req: Request, @Res() res: Response, @Body() body: Body) {
    const values = settingsFields(body);
    if (body?.intent === 'preview') {
      const preview = await this.service.previewSchedule(values);
      if (!preview.ok)
        return this.render(res, 400, { scheduleValues: preview.values, scheduleErrors: preview.errors });
      return this.render(res, 200, {
        scheduleValues: values,
        preview: preview.summary,
        previewSchedule: preview.schedule,
      });
    }
    const result = await this.service.updateSchedule(values, actorOf(this.host, req));
    if (!result.ok)
      return this.render(res, result.reason === 'no_token' ? 409 : 400, {
        scheduleValues: result.values,
        scheduleErrors: result.errors,
      });
    const message =
      result.changes.length === 0
        ? 'Nothing changed: the form held the saved settings.'
        : `Saved. The schedule takes effect at once (${plural(result.changes.length, 'change')}, see the history below).`;
    this.done(req, res, result.changes.length === 0 ? 'info' : 'success', message, '#schedule');
  }

  /**
   * GET: what the form's values would do, as JSON for panel.js while the admin types: the same validation
   * and computation as "Preview next runs", nothing stored. Fields arrive as query parameters.
   */
  @Get('settings/retention-preview')
  async retentionPreview(@Query() query: unknown, @Res() res: Response) {
    const values = settingsFields(query && typeof query === 'object' ? (query as Body) : {});
    const preview = await this.service.previewSchedule(values);
    if (!preview.ok) return sendJson(res.status(400), { ok: false, errors: preview.errors });
    const summary = presentSummary(preview.summary);
    const retention = await this.retentionOf(preview.schedule, preview.summary);
    sendJson(res, {
      ok: true,
      description: summary.description,
      nextRuns: summary.nextRuns,
      retention: summary.retention,
      estimate: retention.estimate,
      timeline: {
        sentence: retention.timeline.sentence,
        deleteCount: retention.timeline.deleteCount,
        html: renderPluginPartial('hs-timeline', retention.timeline),
      },
    });
  }

  private retentionOf(schedule: ScheduleSettings, summary: ScheduleSummary): Promise<RetentionPreview> {
    // Unusable stored tiers left as they are ("stored") keep everything; the page says so in its own alert,
    // and the preview shows the days and keep-min rule alone.
    const tiers = schedule.tiers === KEEP_STORED_TIERS ? null : schedule.tiers;
    return this.retention.preview({
      policy: { retentionDays: schedule.retentionDays, keepMin: schedule.keepMin, tiers },
      runsPerDay: runsPerDay(schedule.frequency, summary.timeZone),
      nextRuns: schedule.enabled ? summary.nextRuns : [],
    });
  }

  private async render(res: Response, status: number, state: PageState) {
    const timeZone = this.options.timeZone;
    const [tokenStatus, saved, audit, retention, coverage] = await Promise.all([
      this.service.tokenStatus(),
      this.service.savedSchedule(),
      this.service.recentAudit(20),
      this.service.retention(),
      this.coverage.view(),
    ]);
    // A stored schedule that no longer validates is shown as unusable, with the form to repair it.
    const savedSummary = saved.ok ? await this.service.summarize(saved.schedule) : null;
    // The estimate under the retention fields: of the previewed change, else of what is saved.
    const live =
      state.previewSchedule && state.preview
        ? await this.retentionOf(state.previewSchedule, state.preview)
        : saved.ok && savedSummary
          ? await this.retentionOf(saved.schedule, savedSummary)
          : null;
    const savedView = saved.ok
      ? { ...presentSummary(savedSummary!), enabled: saved.schedule.enabled }
      : { ...presentUnusableSchedule(saved, timeZone), enabled: saved.enabled };
    res.status(status).render(pluginView('settings'), {
      title: 'Settings',
      layout: this.options.layout,
      token: presentToken(tokenStatus, timeZone, this.clock.now()),
      tokenError: state.tokenError,
      saved: savedView,
      retentionProblem: presentRetentionProblem(retention),
      preview: state.preview ? presentSummary(state.preview) : null,
      // The timeline is drawn for an unsaved change; the snapshots page draws the saved one.
      previewTimeline: state.preview && live ? live.timeline : null,
      estimate: live?.estimate ?? null,
      schedule: presentScheduleForm(state.scheduleValues ?? saved.form, state.scheduleErrors),
      audit: presentAudit(audit, timeZone),
      coverage: coverage && { ...coverage, guideHref: this.path(coverage.guideHref) },
      drillsHref: this.path('/drills'),
      paths: {
        token: this.path('/settings/token'),
        check: this.path('/settings/token/check'),
        disconnect: this.path('/settings/token/disconnect'),
        schedule: this.path('/settings/schedule'),
        notifications: this.path('/settings/notifications'),
        preview: this.path('/settings/retention-preview'),
      },
    });
  }

  private done(
    req: Request,
    res: Response,
    kind: 'success' | 'error' | 'info',
    message: string,
    anchor: string,
  ) {
    this.host.flash(req, res, { kind, message });
    res.redirect(303, this.path(`/settings${anchor}`));
  }

  private path(p: string): string {
    return pagePath(this.options.routePrefix, p);
  }
}
