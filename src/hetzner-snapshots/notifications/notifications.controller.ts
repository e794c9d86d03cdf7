// Settings → Notifications (channels: add, change, remove, send a test) and History → Notifications (each
// message and how each delivery went). Thin: NotificationChannelsService and NotificationService decide.
import { Body, Controller, Get, Inject, Param, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { FieldErrors } from '../../forms/form-validation';
import {
  actorOf,
  HETZNER_SNAPSHOTS_HOST_PORT,
  HetznerSnapshotsHostPort,
} from '../hetzner-snapshots.host-port';
import { pluginView } from '../hetzner-snapshots.views';
import {
  HETZNER_SNAPSHOTS_OPTIONS,
  HetznerSnapshotsModuleOptions,
  pagePath,
} from '../hetzner-snapshots.options';
import { PluginAccessGuard } from '../plugin-access.guard';
import { ChannelKind } from './notification.entities';
import { NotificationChannelsService } from './notification-channels.service';
import { NotificationHistoryPresenter, presentChannelForm } from './notifications.presenter';
import { NotificationService } from './notification.service';

type FormBody = Record<string, unknown> | undefined;

function channelId(raw: string): number | null {
  return /^[1-9]\d{0,8}$/.test(raw) ? Number(raw) : null;
}

@Controller()
@UseGuards(PluginAccessGuard)
export class NotificationsController {
  constructor(
    @Inject(HETZNER_SNAPSHOTS_OPTIONS) private readonly options: HetznerSnapshotsModuleOptions,
    private readonly channels: NotificationChannelsService,
    private readonly notifications: NotificationService,
    private readonly history: NotificationHistoryPresenter,
    @Inject(HETZNER_SNAPSHOTS_HOST_PORT) private readonly host: HetznerSnapshotsHostPort,
  ) {}

  @Get('settings/notifications')
  async list(@Res() res: Response) {
    res.render(pluginView('notifications'), {
      title: 'Notifications',
      layout: this.options.layout,
      channels: (await this.channels.list()).map((c) => ({
        ...c,
        editHref: this.path(`/settings/notifications/${c.id}`),
        testAction: this.path(`/settings/notifications/${c.id}/test`),
        removeAction: this.path(`/settings/notifications/${c.id}/remove`),
      })),
      addWebhookHref: this.path('/settings/notifications/new?kind=webhook'),
      addEmailHref: this.path('/settings/notifications/new?kind=email'),
      settingsHref: this.path('/settings'),
      historyHref: this.path('/history/notifications'),
      metricsOn: Boolean(this.options.metricsToken),
    });
  }

  @Get('settings/notifications/new')
  newChannel(@Query('kind') kind: unknown, @Res() res: Response) {
    const k: ChannelKind = kind === 'email' ? 'email' : 'webhook';
    this.renderForm(res, 200, {
      kind: k,
      id: null,
      values:
        k === 'email'
          ? { port: '587', security: 'starttls', passwordSource: 'stored' }
          : { format: 'generic' },
      secretSet: false,
    });
  }

  @Post('settings/notifications/webhook')
  createWebhook(@Req() req: Request, @Res() res: Response, @Body() body: FormBody) {
    return this.save(req, res, 'webhook', null, body);
  }

  @Post('settings/notifications/email')
  createEmail(@Req() req: Request, @Res() res: Response, @Body() body: FormBody) {
    return this.save(req, res, 'email', null, body);
  }

  @Get('settings/notifications/:id')
  async edit(@Param('id') raw: string, @Res() res: Response) {
    const id = channelId(raw);
    const channel = id === null ? null : await this.channels.find(id);
    if (!channel) return this.notFound(res);
    this.renderForm(res, 200, {
      kind: channel.kind,
      id: channel.id,
      values: this.channels.formValues(channel),
      secretSet: Boolean(channel.secretEncrypted),
    });
  }

  @Post('settings/notifications/:id')
  async update(@Param('id') raw: string, @Req() req: Request, @Res() res: Response, @Body() body: FormBody) {
    const id = channelId(raw);
    const channel = id === null ? null : await this.channels.find(id);
    if (!channel) return this.notFound(res);
    return this.save(req, res, channel.kind, channel.id, body, Boolean(channel.secretEncrypted));
  }

  @Post('settings/notifications/:id/test')
  async test(@Param('id') raw: string, @Req() req: Request, @Res() res: Response) {
    const id = channelId(raw);
    if (id === null || !(await this.channels.find(id))) return this.notFound(res);
    const outcome = await this.notifications.sendTest(id);
    this.done(req, res, outcome.ok ? 'success' : 'error', outcome.message);
  }

  @Post('settings/notifications/:id/remove')
  async remove(@Param('id') raw: string, @Req() req: Request, @Res() res: Response) {
    const id = channelId(raw);
    const removed = id === null ? null : await this.channels.remove(id, actorOf(this.host, req));
    if (!removed) return this.notFound(res);
    this.done(
      req,
      res,
      'success',
      `Removed the channel "${removed.name}". Its past deliveries stay in the history.`,
    );
  }

  @Get('history/notifications')
  async historyPage(@Res() res: Response) {
    res.render(pluginView('notification-history'), {
      title: 'Notification history',
      layout: this.options.layout,
      ...(await this.history.page()),
      historyHref: this.path('/history'),
      settingsHref: this.path('/settings/notifications'),
    });
  }

  private async save(
    req: Request,
    res: Response,
    kind: ChannelKind,
    id: number | null,
    body: FormBody,
    secretSet = false,
  ) {
    const result = await this.channels.save({ kind, id, body, actor: actorOf(this.host, req) });
    if (!result.ok) {
      if (result.status === 404) return this.notFound(res);
      return this.renderForm(res, 400, { kind, id, values: result.values, errors: result.errors, secretSet });
    }
    this.done(
      req,
      res,
      'success',
      `${result.created ? 'Added' : 'Saved'} the channel "${result.channel.name}". Use "Send a test" to check that it reaches you.`,
    );
  }

  private renderForm(
    res: Response,
    status: number,
    state: {
      kind: ChannelKind;
      id: number | null;
      values: Record<string, unknown>;
      errors?: FieldErrors;
      secretSet: boolean;
    },
  ) {
    const action =
      state.id === null
        ? this.path(`/settings/notifications/${state.kind}`)
        : this.path(`/settings/notifications/${state.id}`);
    res.status(status).render(pluginView('notification-channel'), {
      title:
        state.id === null
          ? state.kind === 'email'
            ? 'Add an e-mail channel'
            : 'Add a webhook'
          : 'Change a channel',
      layout: this.options.layout,
      action,
      backHref: this.path('/settings/notifications'),
      form: presentChannelForm({ ...state, smtpPasswordSet: Boolean(this.options.smtpPassword) }),
    });
  }

  private notFound(res: Response) {
    res.status(404).render(pluginView('notifications-missing'), {
      title: 'No such channel',
      layout: this.options.layout,
      backHref: this.path('/settings/notifications'),
    });
  }

  private done(req: Request, res: Response, kind: 'success' | 'error' | 'info', message: string) {
    this.host.flash(req, res, { kind, message });
    res.redirect(303, this.path('/settings/notifications'));
  }

  private path(p: string): string {
    return pagePath(this.options.routePrefix, p);
  }
}
