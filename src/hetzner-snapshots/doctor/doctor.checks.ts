// The doctor's judgements: each function takes facts already gathered (by DoctorService) and returns one
// check with a level, a sentence and what to do. Pure (no I/O, the time passed in), so every threshold is
// covered by table tests and the service only collects facts.
import type { HcloudRateLimit, TokenCheckResult } from '../hcloud';
import {
  describeTokenAge,
  isTokenRotationDue,
  TOKEN_ROTATION_DAYS,
  TOKEN_ROTATION_STEPS,
} from '../settings/token-health';
import type { RetentionPolicyReading } from '../retention/retention-policy.parse';
import { plural } from '../wording/plural';
import { formatDuration } from '../time/duration.format';
import { formatStamp } from '../time/panel-time.format';
import { isOverdue } from '../cycle/cycle.decisions';
import { periodMs } from '../schedule/schedule-period';
import { describeFrequency, nextRuns, parseFrequency, toCronExpression } from '../schedule/snapshot-schedule';

export type DoctorLevel = 'OK' | 'WARN' | 'FAIL';

export interface DoctorCheck {
  /** Stable, kebab-case: scripts reading `doctor --json` match on it. */
  name: string;
  level: DoctorLevel;
  message: string;
  /** What to do about it; null when nothing needs doing. */
  hint: string | null;
}

const ok = (name: string, message: string): DoctorCheck => ({ name, level: 'OK', message, hint: null });
const warn = (name: string, message: string, hint: string | null): DoctorCheck => ({
  name,
  level: 'WARN',
  message,
  hint,
});
const fail = (name: string, message: string, hint: string | null): DoctorCheck => ({
  name,
  level: 'FAIL',
  message,
  hint,
});

const TOKEN_HINT =
  'Create a "Read & Write" token in the Hetzner Console (your project → Security → API Tokens) and paste it in Settings, or set HCLOUD_TOKEN.';

// ---------------------------------------------------------------------------------------------- server

export type ServerFacts =
  | { source: 'environment'; serverId: number }
  | { source: 'metadata'; serverId: number; hostname: string }
  | { source: 'none'; reason: string };

export function judgeServer(facts: ServerFacts): DoctorCheck {
  const name = 'server';
  switch (facts.source) {
    case 'environment':
      return ok(
        name,
        `Server id ${facts.serverId}, from HCLOUD_SERVER_ID (the metadata service is not asked).`,
      );
    case 'metadata':
      return ok(
        name,
        `The metadata service answered: this is server ${facts.serverId} ("${facts.hostname}").`,
      );
    case 'none':
      return fail(
        name,
        `The server id is unknown: ${facts.reason.replace(/\.$/, '')}.`,
        "Run the panel on the Hetzner Cloud server it protects, or set HCLOUD_SERVER_ID to that server's id (the number in the Hetzner Console URL).",
      );
  }
}

// ----------------------------------------------------------------------------------------------- token

export type TokenFacts =
  { present: false } | { present: true; source: 'environment' | 'settings'; result: TokenCheckResult | null };

export function judgeToken(facts: TokenFacts, serverId: number | null): DoctorCheck {
  const name = 'token';
  if (!facts.present) return fail(name, 'No Hetzner Cloud API token is set.', TOKEN_HINT);
  const from = facts.source === 'environment' ? 'HCLOUD_TOKEN' : 'Settings';
  const result = facts.result;
  if (!result || serverId === null)
    return warn(
      name,
      `A token is set (from ${from}) but was not checked: the server id is unknown.`,
      'Fix the server check first.',
    );
  switch (result.kind) {
    case 'read_write':
      return ok(
        name,
        `The token (from ${from}) is valid, Read & Write, and in the project of server ${serverId} ("${result.server.name}").`,
      );
    case 'read_only':
      return fail(
        name,
        `The token (from ${from}) is read-only: the panel cannot create or delete snapshots with it.`,
        TOKEN_HINT,
      );
    case 'unauthorized':
      return fail(
        name,
        `Hetzner rejected the token (from ${from}) as invalid or unknown; it may have been deleted or mistyped.`,
        TOKEN_HINT,
      );
    case 'wrong_project':
      return fail(
        name,
        `The token (from ${from}) is valid but belongs to another project: server ${serverId} is not in it.`,
        `Create the token in the project that holds server ${serverId}.`,
      );
    case 'unreachable':
      return fail(
        name,
        `The token (from ${from}) could not be checked: ${result.reason}`,
        "Check this server's internet connection, DNS and HCLOUD_ENDPOINT, then run doctor again.",
      );
  }
}

/** The stored token's age; past TOKEN_ROTATION_DAYS a warning with the steps to replace it without a gap. */
export function judgeTokenAge(facts: { savedAt: Date | null; now: Date }): DoctorCheck {
  const name = 'token-age';
  const age = describeTokenAge(facts.savedAt, facts.now);
  if (!isTokenRotationDue(facts.savedAt, facts.now))
    return ok(name, `The stored token was ${age}; replace it after ${TOKEN_ROTATION_DAYS} days.`);
  return warn(
    name,
    `The stored token was ${age}, more than ${TOKEN_ROTATION_DAYS}: replace it.`,
    TOKEN_ROTATION_STEPS.map((step, i) => `${i + 1}. ${step}`).join(' '),
  );
}

// ----------------------------------------------------------------------------------------------- clock

/** Beyond this the clock is worth fixing; beyond the FAIL limit retention ages and schedules are off. */
export const CLOCK_WARN_MS = 5_000;
export const CLOCK_FAIL_MS = 5 * 60_000;
const CLOCK_HINT = 'Turn on time synchronisation: timedatectl set-ntp true (systemd-timesyncd or chrony).';

export type ClockFacts = { skewMs: number; roundTripMs: number } | { error: string } | { skipped: string };

export function judgeClock(facts: ClockFacts): DoctorCheck {
  const name = 'clock';
  if ('skipped' in facts) return warn(name, `Not checked: ${facts.skipped}`, null);
  if ('error' in facts) return warn(name, `Hetzner's time could not be read: ${facts.error}`, null);
  // The Date header has whole seconds and the request takes time: that much difference means nothing.
  const tolerance = CLOCK_WARN_MS + facts.roundTripMs / 2;
  const off = Math.abs(facts.skewMs);
  const direction = facts.skewMs > 0 ? 'ahead of' : 'behind';
  const seconds = (off / 1000).toFixed(off < 10_000 ? 1 : 0);
  if (off <= tolerance)
    return ok(
      name,
      `This server's clock is within ${CLOCK_WARN_MS / 1000} s of Hetzner's (${seconds} s ${direction}).`,
    );
  const message = `This server's clock is ${off >= 120_000 ? formatDuration(Math.round(off / 60_000) * 60_000) : `${seconds} s`} ${direction} Hetzner's; schedules and snapshot ages are computed from it.`;
  return off > CLOCK_FAIL_MS ? fail(name, message, CLOCK_HINT) : warn(name, message, CLOCK_HINT);
}

// ------------------------------------------------------------------------------------------ local files

export interface FileFacts {
  /** 'data-dir' | 'key-file' | 'database' */
  name: string;
  /** "DATA_DIR", "the key file", "the database" */
  label: string;
  path: string;
  kind: 'directory' | 'file';
  /** 0o700 for folders, 0o600 for files: nobody but the panel's user. */
  expectedMode: number;
  /** Readable by others is a FAIL for secrets (the key file), a WARN otherwise. */
  secret: boolean;
  /** null when the path does not exist. */
  stat: { mode: number; uid: number; isDirectory: boolean; writable: boolean } | null;
  processUid: number | null;
  /** When the path is legitimately absent, e.g. the key file while SECRET_KEY is set. */
  absentBecause?: string;
}

const octal = (mode: number) => `0${(mode & 0o777).toString(8).padStart(3, '0')}`;

export function judgeFile(facts: FileFacts): DoctorCheck {
  const { name, label, path } = facts;
  if (facts.absentBecause) return ok(name, `No ${label} in use: ${facts.absentBecause}.`);
  if (!facts.stat)
    return fail(
      name,
      `${label} ${path} does not exist.`,
      `Start the panel once as its user (it creates ${label}), or check DATA_DIR.`,
    );
  const { stat } = facts;
  if (stat.isDirectory !== (facts.kind === 'directory'))
    return fail(name, `${label} ${path} is not a ${facts.kind}.`, null);
  const expected = octal(facts.expectedMode);
  const chmod = `chmod ${expected.slice(1)} ${path}`;
  if (facts.processUid !== null && stat.uid !== facts.processUid) {
    return fail(
      name,
      `${label} ${path} belongs to uid ${stat.uid}, not to uid ${facts.processUid} that runs this check.`,
      `Run doctor as the panel's user (see docs/INSTALL.md), or give the panel its files: chown -R snapshot-panel:snapshot-panel ${path}`,
    );
  }
  if (!stat.writable)
    return fail(name, `${label} ${path} is not writable by the panel's user.`, `chmod u+w ${path}`);
  const extra = stat.mode & 0o777 & ~facts.expectedMode;
  if (extra & 0o077) {
    const message = `${label} ${path} has mode ${octal(stat.mode)}: other users on this server can ${facts.kind === 'directory' ? 'look inside' : 'read'} it (expected ${expected}).`;
    return facts.secret ? fail(name, message, chmod) : warn(name, message, chmod);
  }
  return ok(name, `${label} ${path} has mode ${octal(stat.mode)} and belongs to the panel's user.`);
}

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

// ------------------------------------------------------------------------------------------ rate limit

/** Below this share of the hourly budget a busy project starts to see 429s. */
export const RATE_LIMIT_WARN_SHARE = 0.1;

export function judgeRateLimit(
  rateLimit: HcloudRateLimit | null,
  now: Date,
  spentLastHour: number | null = null,
): DoctorCheck {
  const name = 'rate-limit';
  const spent = spentLastHour === null ? '' : ` This panel spent ${spentLastHour} of them in the last hour.`;
  if (!rateLimit)
    return warn(name, `Not known: no answer from Hetzner carried the rate-limit headers.${spent}`, null);
  const { limit, remaining, resetAt } = rateLimit;
  const shared = 'shared by every server and tool using a token of this project';
  const full =
    resetAt.getTime() > now.getTime()
      ? `; full again in ${formatDuration(resetAt.getTime() - now.getTime())}`
      : '';
  const message = `${remaining} of ${limit} API requests left (${shared})${full}.${spent}`;
  if (remaining <= 0)
    return fail(
      name,
      message,
      "Wait for the budget to refill, and look for another tool using this project's tokens heavily.",
    );
  if (remaining < limit * RATE_LIMIT_WARN_SHARE)
    return warn(
      name,
      message,
      "Something else may be using this project's budget heavily; the panel waits when it runs out.",
    );
  return ok(name, message);
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
