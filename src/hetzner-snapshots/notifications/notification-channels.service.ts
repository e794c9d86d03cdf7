// Owns the admin's channels: adding, changing and removing them (both forms and the CLI come here), the
// rules that depend on what is stored (a secret kept when its field is left empty, SSRF at save time), the
// audit entries, and a view of each channel that never holds a secret.
import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, Clock } from '../../clock/clock';
import { FieldErrors, FORM_ERROR, validateForm } from '../../forms/form-validation';
import type { AuditActor } from '../audit/audit-change';
import { AuditService } from '../audit/audit.service';
import { HETZNER_SNAPSHOTS_OPTIONS, HetznerSnapshotsModuleOptions } from '../hetzner-snapshots.options';
import { safeOrigin } from '../webhook/judged-request';
import { webhookHostProblem } from '../webhook/webhook-address.rule';
import { EmailChannelDto, splitRecipients, WebhookChannelDto } from './channel-form.dto';
import { channelKinds, EmailSettings, readEmailSettings } from './channel-settings';
import { ChannelKind, NotificationChannel } from './notification.entities';
import { KIND_INFO, NOTIFICATION_KINDS, NotificationKind } from './notification.rules';
import type { ChannelDoctorFacts } from './notification-doctor.check';
import { encryptChannelSecret } from './notification-secret.cipher';
import { NotificationStore } from './notification.store';

export const EVENT_FIELD_PREFIX = 'event:';

export type SaveChannelResult =
  | { ok: true; channel: NotificationChannel; created: boolean }
  | { ok: false; status: 400 | 404; errors: FieldErrors; values: Record<string, unknown> };

/** A channel as pages, the CLI and doctor show it: no secret, a webhook by its origin only. */
export interface ChannelView {
  id: number;
  name: string;
  kind: ChannelKind;
  format: string;
  formatLabel: string;
  enabled: boolean;
  /** https://hooks.slack.com, or smtp.example.com:587 → a@example.com */
  target: string;
  events: NotificationKind[];
  secretSet: boolean;
}

/** One form's columns (null when the form itself is invalid), its field errors, and the values to show again. */
interface ChannelPatch {
  patch: Partial<NotificationChannel> | null;
  errors: FieldErrors;
  values: Record<string, unknown>;
}

export const FORMAT_LABELS: Record<string, string> = {
  generic: 'Webhook (generic JSON, signed)',
  slack: 'Slack',
  discord: 'Discord',
  ntfy: 'ntfy',
  email: 'E-mail (SMTP)',
};

@Injectable()
export class NotificationChannelsService {
  constructor(
    @Inject(HETZNER_SNAPSHOTS_OPTIONS) private readonly options: HetznerSnapshotsModuleOptions,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly store: NotificationStore,
    private readonly audit: AuditService,
  ) {}

  async list(): Promise<ChannelView[]> {
    return (await this.store.listChannels()).map(viewOf);
  }

  /** Every channel with its newest attempted delivery, for doctor. */
  async doctorFacts(): Promise<ChannelDoctorFacts[]> {
    const channels = await this.store.listChannels();
    return Promise.all(
      channels.map(async (c) => ({ channel: viewOf(c), last: await this.store.lastDelivery(c.id) })),
    );
  }

  async find(id: number): Promise<NotificationChannel | null> {
    return this.store.findChannel(id);
  }

  /** The form's values for editing a stored channel: never its secret. */
  formValues(channel: NotificationChannel): Record<string, unknown> {
    const base: Record<string, unknown> = { name: channel.name, enabled: channel.enabled ? 'on' : '' };
    for (const k of channelKinds(channel)) base[`${EVENT_FIELD_PREFIX}${k}`] = 'on';
    if (channel.kind === 'webhook') return { ...base, format: channel.format, url: channel.url ?? '' };
    const email = readEmailSettings(channel);
    return {
      ...base,
      host: email?.host ?? '',
      port: String(email?.port ?? 587),
      security: email?.security ?? 'starttls',
      username: email?.username ?? '',
      passwordSource: email?.passwordSource ?? 'stored',
      from: email?.from ?? '',
      to: email?.to.join(', ') ?? '',
    };
  }

  /** Adds (id null) or changes a channel; validates everything first, so nothing is ever half-saved. */
  async save(input: {
    kind: ChannelKind;
    id: number | null;
    body: unknown;
    actor: AuditActor;
  }): Promise<SaveChannelResult> {
    const existing = input.id === null ? null : await this.store.findChannel(input.id);
    if (input.id !== null && (!existing || existing.kind !== input.kind))
      return {
        ok: false,
        status: 404,
        errors: { [FORM_ERROR]: `There is no ${input.kind} channel ${input.id}.` },
        values: {},
      };
    const { fields, events, errors: eventErrors } = splitEvents(input.body);
    const judged =
      input.kind === 'webhook' ? this.webhookPatch(fields, existing) : this.emailPatch(fields, existing);
    const errors: FieldErrors = { ...eventErrors, ...judged.errors };
    if (events.length === 0 && !errors.events)
      errors.events = 'Pick at least one event this channel is told about.';
    if (!judged.patch || Object.keys(errors).length > 0)
      return { ok: false, status: 400, errors, values: { ...judged.values, ...eventValues(events) } };

    const now = this.clock.now();
    const channel = await this.store.saveChannel(
      {
        ...(existing ?? { createdAt: now }),
        ...judged.patch,
        kind: input.kind,
        events: events.join(','),
        updatedAt: now,
      },
      (m, saved) =>
        this.audit.record(
          {
            actor: input.actor,
            action: existing ? 'notification.channel.changed' : 'notification.channel.added',
            changes: [
              {
                field: 'notificationChannel',
                from: existing ? existing.name : null,
                to: `${saved.name} (${describeTarget(saved)})`,
              },
            ],
          },
          m,
        ),
    );
    return { ok: true, channel, created: !existing };
  }

  private get allowPrivate(): boolean {
    return this.options.webhookAllowPrivateAddresses === true;
  }

  /** The webhook form's columns, or why not; a secret left empty keeps the stored one. */
  private webhookPatch(fields: Record<string, unknown>, existing: NotificationChannel | null): ChannelPatch {
    const form = validateForm(WebhookChannelDto, fields);
    if (!form.ok) return { patch: null, errors: form.errors, values: form.values };
    const dto = form.value;
    const errors: FieldErrors = {};
    const problem = webhookHostProblem(new URL(dto.url).hostname, { allowPrivate: this.allowPrivate });
    if (problem) errors.url = problem;
    const takesNoSecret = dto.format === 'slack' || dto.format === 'discord';
    if (dto.secret && takesNoSecret)
      errors.secret = `${FORMAT_LABELS[dto.format]} webhooks take no secret: the address itself is the secret.`;
    const secretEncrypted = dto.secret
      ? encryptChannelSecret(dto.secret, this.options.notificationSecretKey)
      : dto.clearSecret || takesNoSecret
        ? null
        : (existing?.secretEncrypted ?? null);
    return {
      patch: {
        name: dto.name,
        format: dto.format,
        url: dto.url,
        secretEncrypted,
        emailJson: null,
        enabled: Boolean(dto.enabled),
      },
      errors,
      values: displayable(fields),
    };
  }

  /** The e-mail form's columns, or why not; a stored password left empty keeps the stored one. */
  private emailPatch(fields: Record<string, unknown>, existing: NotificationChannel | null): ChannelPatch {
    const form = validateForm(EmailChannelDto, fields);
    if (!form.ok) return { patch: null, errors: form.errors, values: form.values };
    const dto = form.value;
    const errors: FieldErrors = {};
    const problem = webhookHostProblem(dto.host.replace(/^\[|\]$/g, ''), {
      allowPrivate: this.allowPrivate,
      use: 'mail',
    });
    if (problem) errors.host = problem;
    const username = dto.username || null;
    let secretEncrypted: string | null = null;
    if (dto.passwordSource === 'stored') {
      secretEncrypted = dto.password
        ? encryptChannelSecret(dto.password, this.options.notificationSecretKey)
        : (existing?.secretEncrypted ?? null);
      if (!secretEncrypted) errors.password = 'Enter the SMTP password, or pick "none" or SMTP_PASSWORD.';
    }
    if (dto.passwordSource === 'environment' && !this.options.smtpPassword)
      errors.passwordSource =
        'SMTP_PASSWORD is not set where the panel is started; set it and restart, or store the password here.';
    if (dto.passwordSource !== 'none' && !username)
      errors.username = 'Enter the SMTP user name the password belongs to.';
    if (dto.passwordSource === 'none' && username)
      errors.username =
        'A user name needs a password: pick where it comes from, or leave the user name empty.';
    const email: EmailSettings = {
      host: dto.host,
      port: dto.port,
      security: dto.security,
      username,
      passwordSource: dto.passwordSource,
      from: dto.from,
      to: splitRecipients(dto.to),
    };
    return {
      patch: {
        name: dto.name,
        format: 'email',
        url: null,
        emailJson: JSON.stringify(email),
        secretEncrypted,
        enabled: Boolean(dto.enabled),
      },
      errors,
      values: displayable(fields),
    };
  }

  async remove(id: number, actor: AuditActor): Promise<ChannelView | null> {
    const channel = await this.store.findChannel(id);
    if (!channel) return null;
    await this.store.deleteChannel(id, (m) =>
      this.audit.record(
        {
          actor,
          action: 'notification.channel.removed',
          changes: [
            { field: 'notificationChannel', from: `${channel.name} (${describeTarget(channel)})`, to: null },
          ],
        },
        m,
      ),
    );
    return viewOf(channel);
  }
}

function splitEvents(body: unknown): {
  fields: Record<string, unknown>;
  events: NotificationKind[];
  errors: FieldErrors;
} {
  const fields: Record<string, unknown> = {};
  const picked = new Set<string>();
  const errors: FieldErrors = {};
  for (const [k, v] of Object.entries(
    (body && typeof body === 'object' ? body : {}) as Record<string, unknown>,
  )) {
    if (k === 'intent') continue;
    if (!k.startsWith(EVENT_FIELD_PREFIX)) {
      fields[k] = v;
      continue;
    }
    const kind = k.slice(EVENT_FIELD_PREFIX.length);
    // An unticked box is not sent by a browser; sent empty, it means the same.
    if (v === '') continue;
    if (!(NOTIFICATION_KINDS as readonly string[]).includes(kind) || v !== 'on')
      errors.events = `"${kind.slice(0, 40)}" is not an event the panel sends.`;
    else picked.add(kind);
  }
  return { fields, events: NOTIFICATION_KINDS.filter((k) => picked.has(k)), errors };
}

function eventValues(events: NotificationKind[]): Record<string, string> {
  return Object.fromEntries(events.map((k) => [`${EVENT_FIELD_PREFIX}${k}`, 'on']));
}

function displayable(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields))
    if (!/password|secret|_csrf/i.test(k)) out[k] = typeof v === 'string' ? v : '';
  return out;
}

export function describeTarget(channel: NotificationChannel): string {
  if (channel.kind === 'webhook') return safeOrigin(channel.url) ?? 'no address';
  const email = readEmailSettings(channel);
  return email ? `${email.host}:${email.port} → ${email.to.join(', ')}` : 'unreadable settings';
}

export function viewOf(channel: NotificationChannel): ChannelView {
  return {
    id: channel.id,
    name: channel.name,
    kind: channel.kind,
    format: channel.format,
    formatLabel: FORMAT_LABELS[channel.format] ?? channel.format,
    enabled: channel.enabled,
    target: describeTarget(channel),
    events: channelKinds(channel),
    secretSet:
      Boolean(channel.secretEncrypted) || readEmailSettings(channel)?.passwordSource === 'environment',
  };
}

export const EVENT_CHOICES = NOTIFICATION_KINDS.map((kind) => ({
  kind,
  label: KIND_INFO[kind].label,
  severity: KIND_INFO[kind].severity,
}));
