// What the notification pages show: the channel form's fields, choices and errors, and the history of
// messages with each delivery's outcome, times in the server's time zone. Never a secret.
import { Inject, Injectable } from '@nestjs/common';
import type { FieldErrors } from '../../forms/form-validation';
import { FORM_ERROR } from '../../forms/form-validation';
import { HETZNER_SNAPSHOTS_OPTIONS, HetznerSnapshotsModuleOptions } from '../hetzner-snapshots.options';
import { formatPanelTime } from '../time/panel-time.format';
import { EVENT_CHOICES, EVENT_FIELD_PREFIX } from './notification-channels.service';
import { ChannelKind, NotificationDelivery } from './notification.entities';
import type { HistorySection } from '../cycle/history-sections';
import { NotificationStore } from './notification.store';
import { plural } from '../wording/plural';

const FORMAT_CHOICES = [
  { value: 'generic', label: 'Generic JSON (signed with HMAC-SHA256 when a secret is set)' },
  { value: 'slack', label: 'Slack (incoming webhook)' },
  { value: 'discord', label: 'Discord (channel webhook)' },
  { value: 'ntfy', label: 'ntfy (topic URL, e.g. https://ntfy.sh/my-alerts)' },
];
const SECURITY_CHOICES = [
  { value: 'starttls', label: 'STARTTLS (usually port 587)' },
  { value: 'tls', label: 'TLS from the start (usually port 465)' },
  { value: 'none', label: 'None (only on a trusted network)' },
];
const PASSWORD_CHOICES = [
  { value: 'stored', label: 'Stored here, encrypted' },
  { value: 'environment', label: 'From SMTP_PASSWORD where the panel is started' },
  { value: 'none', label: 'No sign-in' },
];

export function presentChannelForm(input: {
  kind: ChannelKind;
  id: number | null;
  values: Record<string, unknown>;
  errors?: FieldErrors;
  secretSet: boolean;
  smtpPasswordSet: boolean;
}) {
  const v = (k: string) => (typeof input.values[k] === 'string' ? (input.values[k] as string) : '');
  const errors = input.errors ?? {};
  const choose = (list: { value: string; label: string }[], key: string) =>
    list.map((c) => ({ ...c, selected: v(key) === c.value }));
  const isNew = input.id === null;
  // A new channel starts with every event ticked and switched on; a re-shown form keeps what was sent.
  const fresh =
    isNew &&
    Object.keys(input.values).every((k) => ['port', 'security', 'passwordSource', 'format'].includes(k));
  return {
    isEmail: input.kind === 'email',
    isNew,
    values: input.values,
    errors,
    hasErrors: Object.keys(errors).length > 0,
    formError: errors[FORM_ERROR] ?? null,
    enabled: fresh || v('enabled') === 'on',
    events: EVENT_CHOICES.map((e) => ({
      ...e,
      field: `${EVENT_FIELD_PREFIX}${e.kind}`,
      checked: fresh || v(`${EVENT_FIELD_PREFIX}${e.kind}`) === 'on',
    })),
    formats: choose(FORMAT_CHOICES, 'format'),
    securities: choose(SECURITY_CHOICES, 'security'),
    passwordSources: choose(PASSWORD_CHOICES, 'passwordSource'),
    secretSet: input.secretSet,
    smtpPasswordSet: input.smtpPasswordSet,
    ...secretField(input.kind, input.secretSet),
  };
}

/** The secret's field: "set" and a replace field for a stored one, never the value. */
function secretField(kind: ChannelKind, set: boolean): { secretLabel: string; secretHint: string } {
  const what = kind === 'email' ? 'password' : 'secret';
  if (set)
    return {
      secretLabel: `Replace the stored ${what} (leave empty to keep it)`,
      secretHint: `A ${what} is set. It is stored encrypted and never shown.`,
    };
  return kind === 'email'
    ? { secretLabel: 'SMTP password', secretHint: 'Stored encrypted, never shown again.' }
    : {
        secretLabel: 'Secret (optional)',
        secretHint:
          'Generic JSON: the HMAC-SHA256 key the receiver checks the signature with. ntfy: an access token. At least 16 characters; stored encrypted.',
      };
}

const DELIVERY_BADGE: Record<string, { label: string; badge: string }> = {
  sent: { label: 'Delivered', badge: 'ok' },
  failed: { label: 'Failed', badge: 'danger' },
  pending: { label: 'Waiting to retry', badge: 'warn' },
};
const SEVERITY_BADGE: Record<string, string> = {
  critical: 'danger',
  error: 'danger',
  warning: 'warn',
  info: 'ok',
};

@Injectable()
export class NotificationHistoryPresenter {
  constructor(
    @Inject(HETZNER_SNAPSHOTS_OPTIONS) private readonly options: HetznerSnapshotsModuleOptions,
    private readonly store: NotificationStore,
  ) {}

  /** The history page's section: the latest messages with each delivery's outcome. */
  async section(href: string): Promise<HistorySection> {
    const { events } = await this.page(10);
    return {
      id: 'notifications',
      heading: 'Notifications sent',
      href,
      linkText: 'All notifications and their deliveries',
      empty: 'No message yet: set up a channel in Settings → Notifications, and failures are told there.',
      items: events.map((e) => ({
        id: `event-${e.id}`,
        when: e.at,
        title: e.title,
        badge: e.severityBadge,
        badgeText: e.event,
        text: e.message,
        lines: e.deliveries.map((d) => ({
          label: d.channel,
          badge: d.badge,
          badgeText: d.label,
          detail: `after ${plural(d.attempts, 'try', 'tries')}${d.nextAttempt ? `, next ${d.nextAttempt}` : ''}${d.error ? `: ${d.error}` : ''}`,
        })),
      })),
    };
  }

  async page(limit = 50) {
    const tz = this.options.timeZone;
    const rows = await this.store.recentEvents(limit);
    return {
      timeZone: tz,
      events: rows.map(({ event, deliveries }) => ({
        id: event.id,
        event: event.event,
        phase: event.phase,
        title: event.title,
        severity: event.severity,
        severityBadge: SEVERITY_BADGE[event.severity] ?? 'info',
        at: formatPanelTime(event.createdAt, tz),
        message: (JSON.parse(event.messageJson) as { message?: string }).message ?? '',
        deliveries: deliveries.map((d) => presentDelivery(d, tz)),
      })),
    };
  }
}

export function presentDelivery(d: NotificationDelivery, tz: string) {
  const state =
    d.status === 'pending' && d.attempts === 0
      ? { label: 'Queued', badge: 'info' }
      : DELIVERY_BADGE[d.status];
  return {
    channel: d.channelName,
    label: state?.label ?? d.status,
    badge: state?.badge ?? 'info',
    attempts: d.attempts,
    lastAttempt: d.lastAttemptAt ? formatPanelTime(d.lastAttemptAt, tz) : null,
    nextAttempt: d.status === 'pending' && d.nextAttemptAt ? formatPanelTime(d.nextAttemptAt, tz) : null,
    error: d.lastError,
  };
}
