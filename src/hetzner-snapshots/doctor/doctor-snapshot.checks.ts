// The doctor's judgements of the snapshots themselves: the schedule, the retention, whether the last automatic
// snapshot is recent enough, and what exists. Pure, like every doctor check.
import type { RetentionPolicyReading } from '../retention/retention-policy.parse';
import { plural } from '../wording/plural';
import { formatDuration } from '../time/duration.format';
import { formatStamp } from '../time/panel-time.format';
import { isOverdue } from '../cycle/cycle.decisions';
import { periodMs } from '../schedule/schedule-period';
import { describeFrequency, nextRuns, parseFrequency, toCronExpression } from '../schedule/snapshot-schedule';
import { type DoctorCheck, fail, ok, warn } from './doctor-check';

// -------------------------------------------------------------------------------------------- schedule

export interface ScheduleFacts {
  enabled: boolean;
  frequency: string;
  timeZone: string;
  now: Date;
  /** The per-server spread the scheduler applies (spreadOffsetMinutes; 0 = on the minute). */
  offsetMinutes: number;
}

/** The stored retention as the pruner reads it (PanelSettingsStore's verdict): unusable keeps everything. */
export function judgeRetention(reading: RetentionPolicyReading): DoctorCheck {
  const name = 'retention';
  if (reading.kind === 'unusable')
    return fail(
      name,
      `Retention deletes nothing until this is fixed: ${reading.reason}.`,
      reading.field === 'retentionTiers'
        ? 'Choose the tiered policy on or off in Settings (or run "snapshot-panel schedule set --tiers …") and save.'
        : 'Save the retention settings again in Settings.',
    );
  const { retentionDays, keepMin, tiers } = reading.policy;
  const tierText = tiers
    ? `; tiers hourly=${tiers.hourly}, daily=${tiers.daily}, weekly=${tiers.weekly}, monthly=${tiers.monthly}`
    : '';
  return ok(
    name,
    `Automatic snapshots are deleted after ${plural(retentionDays, 'day')}, the newest ${keepMin} always kept${tierText}.`,
  );
}

export function judgeSchedule(facts: ScheduleFacts): DoctorCheck {
  const name = 'schedule';
  let described: string;
  let next: Date | undefined;
  try {
    const preset = parseFrequency(facts.frequency);
    described = describeFrequency(preset);
    next = nextRuns(toCronExpression(preset, facts.offsetMinutes), {
      timeZone: facts.timeZone,
      from: facts.now,
      count: 1,
    })[0];
  } catch (err) {
    return fail(
      name,
      `The stored schedule "${facts.frequency}" cannot be used: ${(err as Error).message}`,
      'Choose the schedule again in Settings.',
    );
  }
  if (!facts.enabled)
    return warn(
      name,
      `Automatic snapshots are turned off (the schedule would be ${described}).`,
      "Turn them on in Settings, unless something else takes this server's snapshots.",
    );
  if (!next)
    return fail(name, `The schedule (${described}) has no next run.`, 'Choose another schedule in Settings.');
  return ok(
    name,
    `Automatic snapshots ${described}; next run ${formatStamp(next, facts.timeZone)}, in ${formatDuration(next.getTime() - facts.now.getTime())}.`,
  );
}

// --------------------------------------------------------------------------------------- last snapshot

export interface LastSnapshotFacts {
  enabled: boolean;
  frequency: string;
  timeZone: string;
  now: Date;
  /** Newest available automatic snapshot of this server as Hetzner lists it; null when none. */
  newestAuto: Date | null;
  /** When the settings last changed: a schedule turned on an hour ago has had no chance to run yet. */
  settingsUpdatedAt: Date;
  /** The newest recorded cycle, to name a failure. */
  lastRun: { status: string; errorCode: string | null; errorMessage: string | null; startedAt: Date } | null;
}

export function judgeLastSnapshot(facts: LastSnapshotFacts): DoctorCheck {
  const name = 'last-snapshot';
  let period: number;
  try {
    period = periodMs(parseFrequency(facts.frequency), facts.timeZone);
  } catch {
    return warn(name, 'Not judged: the stored schedule cannot be read (see the schedule check).', null);
  }
  const lastFailure =
    facts.lastRun?.status === 'failed'
      ? ` The last cycle (${formatStamp(facts.lastRun.startedAt, facts.timeZone)}) failed: ${facts.lastRun.errorMessage ?? facts.lastRun.errorCode ?? 'no reason recorded'}`
      : '';
  const historyHint =
    'See the History page or run "snapshot-panel status" for the reason, and "snapshot-panel run" to try one now.';
  if (!facts.newestAuto) {
    if (!facts.enabled)
      return warn(
        name,
        'There is no automatic snapshot of this server, and automatic snapshots are off.',
        null,
      );
    const waitingSince = facts.now.getTime() - facts.settingsUpdatedAt.getTime();
    if (!isOverdue({ now: facts.now, lastSuccessAt: null, since: facts.settingsUpdatedAt, periodMs: period }))
      return warn(
        name,
        `No automatic snapshot yet; the first one is due within ${formatDuration(period)} of turning the schedule on.${lastFailure}`,
        lastFailure ? historyHint : null,
      );
    return fail(
      name,
      `No automatic snapshot of this server exists, although the schedule has been on for ${formatDuration(waitingSince)}.${lastFailure}`,
      historyHint,
    );
  }
  const age = Math.max(0, facts.now.getTime() - facts.newestAuto.getTime());
  const message = `The newest automatic snapshot is ${formatDuration(age)} old (the schedule runs at least every ${formatDuration(period)}).`;
  if (!facts.enabled)
    return warn(name, `${message} Automatic snapshots are off, so it will only get older.`, null);
  if (age <= period) return lastFailure ? warn(name, message + lastFailure, historyHint) : ok(name, message);
  const overdue = isOverdue({
    now: facts.now,
    lastSuccessAt: facts.newestAuto,
    since: facts.settingsUpdatedAt,
    periodMs: period,
  });
  if (!overdue) return warn(name, `${message} One run was missed.${lastFailure}`, historyHint);
  return fail(
    name,
    `${message} More than two periods without a successful automatic snapshot.${lastFailure}`,
    historyHint,
  );
}

// ------------------------------------------------------------------------------------------- snapshots

export type SnapshotFacts =
  | {
      count: number;
      autoCount: number;
      totalGb: number;
      pricing: { currency: string; grossPerGbMonth: number } | null;
    }
  | { error: string };

export function judgeSnapshots(facts: SnapshotFacts): DoctorCheck {
  const name = 'snapshots';
  if ('error' in facts) return warn(name, `The snapshots could not be listed: ${facts.error}`, null);
  const size = `${facts.totalGb.toFixed(facts.totalGb < 10 ? 1 : 0)} GB`;
  const cost = facts.pricing
    ? `, about ${(facts.totalGb * facts.pricing.grossPerGbMonth).toFixed(2)} ${facts.pricing.currency} a month incl. VAT`
    : ' (price list unavailable)';
  return ok(
    name,
    `${plural(facts.count, 'snapshot')} of this server (${facts.autoCount} automatic), ${size}${cost}.`,
  );
}
