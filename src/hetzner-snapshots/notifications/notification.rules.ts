// The notification rules as pure functions, each tested with a table: which problems a finished run shows
// or clears, when a problem is worth a message (start, daily reminder, end; repeats collapsed), which events
// a channel gets, and how long a failed delivery waits before the next try.
import type { CycleRunStatus, CycleRunTrigger } from '../cycle/cycle-run.entity';

/** The problems a channel can be told about; each starts, may last, and ends. */
export const NOTIFICATION_KINDS = [
  'cycle.failed',
  'snapshots.overdue',
  'token.rejected',
  'limit.reached',
  'drill.failed',
  'retention.blocked',
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

export type Severity = 'critical' | 'error' | 'warning' | 'info';

export const KIND_INFO: Record<NotificationKind, { severity: Severity; label: string; endLabel: string }> = {
  'cycle.failed': {
    severity: 'error',
    label: 'A snapshot cycle failed',
    endLabel: 'Automatic snapshots work again',
  },
  'snapshots.overdue': {
    severity: 'critical',
    label: 'No successful automatic snapshot for longer than the schedule allows',
    endLabel: 'Automatic snapshots are on time again',
  },
  'token.rejected': {
    severity: 'critical',
    label: 'Hetzner rejected the API token',
    endLabel: 'Hetzner accepts the API token again',
  },
  'limit.reached': {
    severity: 'error',
    label: 'A Hetzner limit was reached',
    endLabel: 'The Hetzner limit no longer stops snapshots',
  },
  'drill.failed': {
    severity: 'error',
    label: 'A restore drill failed',
    endLabel: 'Restore drills pass again',
  },
  'retention.blocked': {
    severity: 'warning',
    label: 'Retention has deleted nothing for more than a day because of doubt',
    endLabel: 'Retention works again',
  },
};

/** How long a problem must last before its first message (retention doubt is normal for a cycle or two). */
export const START_DELAY_MS: Record<NotificationKind, number> = {
  'cycle.failed': 0,
  'snapshots.overdue': 0,
  'token.rejected': 0,
  'limit.reached': 0,
  'drill.failed': 0,
  'retention.blocked': 24 * 3_600_000,
};
export const REMINDER_MS = 24 * 3_600_000;

export type Phase = 'started' | 'reminder' | 'ended';

/** The name a message carries: the kind while a problem lasts; its end has a name of its own. */
export function eventName(kind: NotificationKind, phase: Phase): string {
  if (phase !== 'ended') return kind;
  return kind === 'cycle.failed' ? 'cycle.recovered' : `${kind.replace(/\.[a-z]+$/, '')}.resolved`;
}

/** Severity of a message: an end is good news. */
export function severityOf(kind: NotificationKind, phase: Phase): Severity {
  return phase === 'ended' ? 'info' : KIND_INFO[kind].severity;
}

/** The Hetzner error codes that mean "the token was rejected" (401, 403) and "a limit was reached". */
const TOKEN_REJECTED_CODES = new Set(['unauthorized', 'forbidden', 'token_readonly']);
const LIMIT_CODES = new Set(['resource_limit_exceeded', 'rate_limit_exceeded', 'limit_reached']);

export interface RunFacts {
  trigger: CycleRunTrigger;
  status: CycleRunStatus;
  errorCode: string | null;
  retentionBlocked: boolean;
}

/** What a finished run says about each problem: true it is there, false it is gone; absent: says nothing. */
export function observationsForRun(run: RunFacts): Partial<Record<NotificationKind, boolean>> {
  const out: Partial<Record<NotificationKind, boolean>> = {};
  if (run.status === 'running') return out;
  const failed = run.status !== 'succeeded';
  const code = run.errorCode ?? '';
  if (failed) {
    if (TOKEN_REJECTED_CODES.has(code)) out['token.rejected'] = true;
    if (LIMIT_CODES.has(code)) out['limit.reached'] = true;
  } else {
    // A run that worked talked to Hetzner with the token and was not stopped by a limit.
    out['token.rejected'] = false;
    out['limit.reached'] = false;
  }
  if (run.trigger !== 'prune') {
    out['cycle.failed'] = failed;
    if (!failed) out['snapshots.overdue'] = false;
  }
  // A successful run pruned (or decided to keep everything) without doubt.
  if (run.retentionBlocked) out['retention.blocked'] = true;
  else if (!failed) out['retention.blocked'] = false;
  return out;
}

export interface ConditionState {
  active: boolean;
  since: Date | null;
  /** When the start message went out; null while a delayed problem is not yet announced. */
  notifiedAt: Date | null;
  /** The last start or reminder message. */
  lastSentAt: Date | null;
}

export const CLEAR_CONDITION: ConditionState = {
  active: false,
  since: null,
  notifiedAt: null,
  lastSentAt: null,
};

/**
 * One observation of a problem (true: there, false: gone, null: only time passed) against what was known:
 * the next state, and the message it is worth, if any. A problem is announced once when it starts (after
 * its delay), reminded daily while it lasts, and its end is announced only if its start was.
 */
export function decideCondition(input: {
  state: ConditionState;
  observed: boolean | null;
  now: Date;
  startDelayMs?: number;
  reminderMs?: number;
}): { next: ConditionState; send: Phase | null } {
  const { state, observed, now } = input;
  const delay = input.startDelayMs ?? 0;
  const reminder = input.reminderMs ?? REMINDER_MS;
  if (observed === false) {
    if (!state.active) return { next: state, send: null };
    return { next: CLEAR_CONDITION, send: state.notifiedAt ? 'ended' : null };
  }
  if (observed === null && !state.active) return { next: state, send: null };
  const since = state.active && state.since ? state.since : now;
  if (!state.notifiedAt) {
    if (now.getTime() - since.getTime() >= delay)
      return { next: { active: true, since, notifiedAt: now, lastSentAt: now }, send: 'started' };
    return { next: { active: true, since, notifiedAt: null, lastSentAt: null }, send: null };
  }
  const last = state.lastSentAt ?? state.notifiedAt;
  if (now.getTime() - last.getTime() >= reminder)
    return { next: { ...state, active: true, since, lastSentAt: now }, send: 'reminder' };
  return { next: { ...state, active: true, since }, send: null };
}

/** A channel gets the kinds its admin picked; a test message goes to the channel it was asked for. */
export function channelWants(
  channel: { enabled: boolean; events: string[] },
  kind: NotificationKind,
): boolean {
  return channel.enabled && channel.events.includes(kind);
}

export const MAX_DELIVERY_ATTEMPTS = 5;
const RETRY_DELAYS_MS = [30_000, 2 * 60_000, 10 * 60_000, 30 * 60_000];

/** Wait after failed attempt `attempt` (1 = the first try) before the next; null: give up, it is recorded as failed. */
export function retryDelayMs(attempt: number, maxAttempts = MAX_DELIVERY_ATTEMPTS): number | null {
  if (attempt >= maxAttempts) return null;
  return RETRY_DELAYS_MS[Math.min(attempt - 1, RETRY_DELAYS_MS.length - 1)];
}

/** The kinds a stored list names, in their fixed order; unknown names are dropped. */
export function readKinds(text: string | null | undefined): NotificationKind[] {
  const wanted = new Set((text ?? '').split(',').map((s) => s.trim()));
  return NOTIFICATION_KINDS.filter((k) => wanted.has(k));
}
