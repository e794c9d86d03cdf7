// The audit trail's vocabulary: which actions exist, how one change is recorded, and how an entry reads on the
// settings page. Pure, so the wording is tested without a database.
import { describeFrequency, parseFrequency } from '../schedule/snapshot-schedule';

/** One changed field; values are display strings (never a token: token changes carry only "…abcd"). */
export interface AuditChange {
  field: string;
  from: string | null;
  to: string | null;
}

export type AuditAction =
  | 'schedule.updated'
  | 'token.saved'
  | 'token.replaced'
  | 'token.removed'
  | 'snapshots.server-labelled'
  | 'notification.channel.added'
  | 'notification.channel.changed'
  | 'notification.channel.removed'
  | 'drills.updated';

/** "admin:alice" for a signed-in admin, "cli" for the command line. */
export type AuditActor = `admin:${string}` | 'cli' | 'system';

export function adminActor(username: string): AuditActor {
  return `admin:${username}`;
}

const ACTION_LABELS: Record<string, string> = {
  'schedule.updated': 'Schedule and retention changed',
  'token.saved': 'API token saved',
  'token.replaced': 'API token replaced',
  'token.removed': 'API token removed, automatic snapshots paused',
  'snapshots.server-labelled': 'Server label added to the existing snapshots of this server',
  'notification.channel.added': 'Notification channel added',
  'notification.channel.changed': 'Notification channel changed',
  'notification.channel.removed': 'Notification channel removed',
  'drills.updated': 'Restore drill settings changed',
};

const FIELD_LABELS: Record<string, string> = {
  token: 'API token',
  scheduleEnabled: 'Automatic snapshots',
  frequency: 'Frequency',
  retentionDays: 'Delete after (days)',
  keepMin: 'Always keep the newest',
  retentionTiers: 'Tiered policy',
  webhookUrl: 'Webhook URL',
  serverLabel: 'Labelled',
  notificationChannel: 'Notification channel',
  drillPort: 'Drill port check',
  drillSchedule: 'Scheduled drills',
};

export interface AuditLine {
  action: string;
  changes: { field: string; from: string; to: string }[];
}

/** How one stored entry reads: "API token replaced", "Frequency: every 6 hours → daily at 03:30". */
export function describeAuditEntry(action: string, changes: AuditChange[]): AuditLine {
  return {
    action: ACTION_LABELS[action] ?? action,
    changes: changes.map((c) => ({
      field: FIELD_LABELS[c.field] ?? c.field,
      from: displayValue(c.field, c.from),
      to: displayValue(c.field, c.to),
    })),
  };
}

function displayValue(field: string, value: string | null): string {
  if (value === null || value === '') return '(none)';
  if (field === 'frequency') {
    try {
      return describeFrequency(parseFrequency(value));
    } catch {
      return value;
    }
  }
  return value;
}

/** Reads the JSON column back; an unreadable row shows as no changes rather than breaking the page. */
export function parseAuditChanges(json: string): AuditChange[] {
  try {
    const parsed: unknown = JSON.parse(json);
    if (!Array.isArray(parsed)) return [];
    return parsed
      .filter(
        (c): c is Record<string, unknown> =>
          typeof c === 'object' && c !== null && typeof (c as { field?: unknown }).field === 'string',
      )
      .map((c) => ({
        field: c.field as string,
        from: typeof c.from === 'string' ? c.from : null,
        to: typeof c.to === 'string' ? c.to : null,
      }));
  } catch {
    return [];
  }
}
