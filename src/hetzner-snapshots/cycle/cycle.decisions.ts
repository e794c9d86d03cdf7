// The scheduler's decisions as pure functions (no I/O, the time passed in), so each is tested with a table:
// how long to wait for a locked server, whether a run was missed or is overdue, whether retention was
// blocked by doubt, what a snapshot is called, and how hook output is cut down for storage.
import { CodedError } from '../../errors/coded.error';
import { nextRuns } from '../schedule/snapshot-schedule';
import {
  describeHcloudError,
  HcloudActionFailedError,
  HcloudApiError,
  isHcloudError,
  type HcloudImage,
} from '../hcloud';
import type { RetentionCandidate } from '../retention/retention.policy';

/** How long a cycle keeps trying while the server is busy with another action (423 locked). */
export const LOCKED_RETRY_BUDGET_MS = 10 * 60_000;
const LOCKED_FIRST_DELAY_MS = 5_000;
const LOCKED_MAX_DELAY_MS = 60_000;

/**
 * Wait before retry `attempt` (0 = the first retry) of a create_image refused with `locked`: 5 s, 10 s, 20 s …
 * capped at 60 s; null once that wait would end past the budget, so a stuck server fails the cycle loudly.
 */
export function lockedRetryDelayMs(input: {
  attempt: number;
  elapsedMs: number;
  budgetMs?: number;
}): number | null {
  const budget = input.budgetMs ?? LOCKED_RETRY_BUDGET_MS;
  const delay = Math.min(LOCKED_MAX_DELAY_MS, LOCKED_FIRST_DELAY_MS * 2 ** Math.max(0, input.attempt));
  return input.elapsedMs + delay > budget ? null : delay;
}

/** Whether a failure while following an action is worth waiting out (the action itself may still be fine). */
export function isTransientApiFailure(err: unknown): boolean {
  return isHcloudError(err) && (err.status === 0 || err.status === 429 || err.status >= 500);
}

/**
 * A run was missed while the panel was down when no automatic snapshot succeeded within one period. It is
 * not caught up when the next scheduled run is close anyway, which would make two snapshots back to back.
 */
export function isCatchUpDue(input: {
  now: Date;
  lastSuccessAt: Date | null;
  periodMs: number;
  nextRunAt: Date | null;
  soonMs?: number;
}): boolean {
  const soon = input.soonMs ?? 15 * 60_000;
  if (input.lastSuccessAt && input.now.getTime() - input.lastSuccessAt.getTime() <= input.periodMs)
    return false;
  if (input.nextRunAt && input.nextRunAt.getTime() - input.now.getTime() <= soon) return false;
  return true;
}

/**
 * "No successful automatic snapshot for more than two periods", counted from the last success or, before
 * the first one, from when the schedule was last changed.
 */
export function isOverdue(input: {
  now: Date;
  lastSuccessAt: Date | null;
  since: Date;
  periodMs: number;
}): boolean {
  const from = input.lastSuccessAt ?? input.since;
  return input.now.getTime() - from.getTime() > 2 * input.periodMs;
}

/** How a prune note starts when retention decided nothing out of doubt (incomplete listing, unusable policy). */
export const RETENTION_DOUBT = 'Nothing was deleted:';

/** Retention was blocked by doubt in this run: the notifications' "retention blocked" problem. */
export function isRetentionBlocked(run: { pruneNote: string | null; errorCode: string | null }): boolean {
  return run.errorCode === 'prune_not_possible' || (run.pruneNote?.startsWith(RETENTION_DOUBT) ?? false);
}

/** "<server name> auto <UTC ISO time>", seconds precision: sortable and readable in the Hetzner Console. */
export function autoSnapshotDescription(serverName: string, at: Date): string {
  return `${serverName} auto ${at.toISOString().replace(/\.\d{3}Z$/, 'Z')}`;
}

export const HOOK_OUTPUT_MAX_CHARS = 2_000;

/** Hook output as stored and shown: trimmed, and when long its end (where errors are) behind an ellipsis. */
export function trimHookOutput(output: string, max = HOOK_OUTPUT_MAX_CHARS): string {
  const clean = output.replace(/\r\n/g, '\n').trim();
  return clean.length <= max ? clean : `…${clean.slice(clean.length - max + 1)}`;
}

/** The listing's view of an image, as retention judges it. */
export function toRetentionCandidate(image: HcloudImage): RetentionCandidate {
  return {
    id: image.id,
    serverId: image.created_from?.id ?? null,
    created: new Date(image.created),
    status: image.status,
    protected: image.protection?.delete === true,
    labels: image.labels ?? {},
    type: image.type,
    description: image.description,
  };
}

/** Why a cycle failed for a reason of the panel's own; a run's error_code is one of these or Hetzner's. */
export type CycleFailureCode =
  | 'pre_hook_failed'
  | 'post_hook_failed'
  | 'locked'
  | 'image_not_available'
  | 'prune_not_possible'
  | 'prune_incomplete'
  | 'interrupted'
  | 'unexpected';

/** A step of the cycle that failed for a reason of the panel's own (a hook, an image that never became available). */
export class CycleStepError extends CodedError<CycleFailureCode> {
  constructor(
    code: CycleFailureCode,
    message: string,
    /** 'interrupted' when the run was cut off rather than refused or broken. */
    readonly outcome: 'failed' | 'interrupted' = 'failed',
  ) {
    super(code, message);
  }
}

/**
 * The code and the sentence recorded with a failed run: the panel's own (CycleFailureCode), Hetzner's, or the
 * code of an error written for a person (NoTokenError's `no_token`, NotOnHetznerError's `not_on_hetzner`).
 */
export function describeCycleFailure(err: unknown): { code: string; message: string } {
  if (err instanceof CycleStepError) return { code: err.code, message: err.message };
  if (err instanceof HcloudApiError || err instanceof HcloudActionFailedError)
    return { code: err.code, message: describeHcloudError(err) };
  const code =
    typeof err === 'object' && err !== null && typeof (err as { code?: unknown }).code === 'string'
      ? (err as { code: string }).code
      : null;
  // NoTokenError and NotOnHetznerError carry a code and a message written for a person.
  if (code && err instanceof Error) return { code, message: err.message };
  return { code: 'unexpected', message: describeHcloudError(err) };
}

/**
 * True when `at` is (within the tolerance) a run the schedule really has. cron 4.4 fires a daily job an
 * extra time on the autumn DST change; nextRuns knows the real runs, so a timer tick is checked against it.
 */
export function isScheduledRunAt(input: {
  expression: string;
  timeZone: string;
  at: Date;
  toleranceMs: number;
}): boolean {
  const [run] = nextRuns(input.expression, {
    timeZone: input.timeZone,
    from: new Date(input.at.getTime() - input.toleranceMs),
    count: 1,
  });
  return run !== undefined && Math.abs(run.getTime() - input.at.getTime()) <= input.toleranceMs;
}
