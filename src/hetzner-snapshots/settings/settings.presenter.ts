// Turns settings, summaries and audit entries into what the settings page shows: times in the server's time
// zone, the masked token, which option is selected. Pure, so the page's wording is tested without HTTP.
import { describeAuditEntry } from '../audit/audit-change';
import type { AuditRecord } from '../audit/audit.service';
import { HOUR_STEPS } from '../schedule/snapshot-schedule';
import { formatInstant } from '../time/panel-time.format';
import type { RetentionPolicyReading } from '../retention/retention-policy.parse';
import { retentionProblemMessage } from './retention-problem.wording';
import type { ScheduleSummary, TokenStatus } from './settings.service';
import { maskToken, tokenCheckLabel } from './token-check.wording';
import {
  describeTokenAge,
  isTokenRotationDue,
  TOKEN_ROTATION_DAYS,
  TOKEN_ROTATION_STEPS,
  undecryptableTokenMessage,
} from './token-health';
import { SCHEDULE_FORM_FIELDS, WEEKDAY_KEYS } from './update-schedule.dto';

export interface TimeView {
  iso: string;
  text: string;
}

const timeView = (date: Date | null, timeZone: string): TimeView | null =>
  date ? { iso: date.toISOString(), text: formatInstant(date, timeZone) } : null;

export function presentToken(status: TokenStatus, timeZone: string, now: Date) {
  // A stored check result says nothing once the key cannot decrypt the token: the token is unusable.
  const label = status.undecryptable
    ? { text: 'cannot be decrypted', badge: 'danger' }
    : tokenCheckLabel(status.checkResult);
  const rotationDue = status.source === 'settings' && isTokenRotationDue(status.savedAt, now);
  return {
    undecryptable: status.undecryptable,
    undecryptableMessage: status.undecryptable
      ? undecryptableTokenMessage({ last4: status.last4, keyCreated: false })
      : null,
    age: status.source === 'settings' ? describeTokenAge(status.savedAt, now) : null,
    rotationDue,
    rotationDays: TOKEN_ROTATION_DAYS,
    rotationSteps: TOKEN_ROTATION_STEPS,
    fromEnvironment: status.source === 'environment',
    stored: status.source === 'settings',
    none: status.source === 'none',
    mask: maskToken(status.last4),
    savedAt: timeView(status.savedAt, timeZone),
    checkedAt: timeView(status.checkedAt, timeZone),
    checkLabel: label.text,
    checkBadge: `badge-${label.badge}`,
  };
}

export function presentSummary(summary: ScheduleSummary) {
  return {
    description: summary.description,
    cronExpression: summary.cronExpression,
    timeZone: summary.timeZone,
    retention: summary.retention,
    nextRuns: summary.nextRuns.map((d) => timeView(d, summary.timeZone) as TimeView),
  };
}

/** The saved-schedule block when the stored frequency cannot run: no next runs, and why. */
export function presentUnusableSchedule(saved: { frequency: string; problem: string }, timeZone: string) {
  return {
    description: `"${saved.frequency}" (cannot run)`,
    cronExpression: null,
    timeZone,
    retention: null,
    nextRuns: [] as TimeView[],
    problem: saved.problem,
  };
}

/** The alert above the schedule form while the stored retention cannot be used; null when it can. */
export function presentRetentionProblem(reading: RetentionPolicyReading) {
  if (reading.kind === 'usable') return null;
  return {
    message: retentionProblemMessage(reading),
    stored: reading.raw,
    tiers: reading.field === 'retentionTiers',
  };
}

const DAY_LABELS: Record<(typeof WEEKDAY_KEYS)[number], string> = {
  mon: 'Monday',
  tue: 'Tuesday',
  wed: 'Wednesday',
  thu: 'Thursday',
  fri: 'Friday',
  sat: 'Saturday',
  sun: 'Sunday',
};

/** The schedule form: values as typed, which radio and option is selected, messages next to fields. */
export function presentScheduleForm(values: Record<string, unknown>, errors: Record<string, string> = {}) {
  const v = (k: string) => (typeof values[k] === 'string' ? (values[k] as string) : '');
  const known = new Set<string>(SCHEDULE_FORM_FIELDS);
  // Errors for fields the form does not have (a hand-made request): shown at the top, as there is no field.
  const otherErrors = Object.entries(errors)
    .filter(([k]) => !known.has(k))
    .map(([k, m]) => `${k}: ${m}`);
  return {
    values,
    errors,
    hasErrors: Object.keys(errors).length > 0,
    otherErrors,
    enabledOn: v('enabled') === 'true',
    enabledOff: v('enabled') !== 'true',
    kindHours: v('frequencyKind') === 'hours',
    kindDaily: v('frequencyKind') === 'daily',
    kindWeekly: v('frequencyKind') === 'weekly',
    kindCron: v('frequencyKind') === 'cron',
    hourOptions: HOUR_STEPS.map((n) => ({
      value: String(n),
      label: n === 1 ? 'every hour' : `every ${n} hours`,
      selected: v('everyHours') === String(n),
    })),
    dayOptions: WEEKDAY_KEYS.map((d) => ({
      value: d,
      label: DAY_LABELS[d],
      selected: v('weeklyDay').toLowerCase() === d,
    })),
    tiersOn: v('tiersEnabled') === 'true',
    tiersOff: v('tiersEnabled') !== 'true' && v('tiersEnabled') !== 'stored',
    // The stored tiers cannot be used: "leave them as stored" is a choice of its own, and the default.
    tiersStored: v('tiersEnabled') === 'stored',
  };
}

export function presentAudit(records: AuditRecord[], timeZone: string) {
  return records.map((r) => {
    const line = describeAuditEntry(r.action, r.changes);
    return {
      at: timeView(r.at, timeZone) as TimeView,
      who:
        r.actor === 'cli'
          ? 'command line'
          : r.actor.startsWith('admin:')
            ? r.actor.slice('admin:'.length)
            : r.actor,
      what: line.action,
      changes: line.changes,
    };
  });
}
