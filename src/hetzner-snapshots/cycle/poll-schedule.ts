// When the cycle looks at its snapshot action: pure, from how long this server's recent snapshots took. Every
// poll costs from the project's shared hourly budget, so the first one is placed near the expected end and
// the following ones back off briefly; a long snapshot is still looked at every POLL_MAX_GAP_MS at least,
// so the lease stays renewed and the History page's "running" stays current.
import { pollIntervalMs } from '../hcloud/action-waiter';

/** The longest gap between two looks at a running snapshot action. */
export const POLL_MAX_GAP_MS = 120_000;
/** How many recent confirmed snapshots the expectation is learned from (their median). */
export const LEARN_FROM_RUNS = 5;
/** Below this many, nothing is learned yet and the client's plain schedule (1 s, 2 s, 4 s … 30 s) is used. */
export const MIN_LEARNED_RUNS = 2;
const LATE_FIRST_MS = 2_000;
const LATE_MAX_MS = 30_000;

/** The median of the newest LEARN_FROM_RUNS usable durations (newest first), or null when too few. */
export function expectedSnapshotMs(recentNewestFirst: readonly (number | null)[]): number | null {
  const usable = recentNewestFirst
    .filter((ms): ms is number => typeof ms === 'number' && Number.isFinite(ms) && ms > 0)
    .slice(0, LEARN_FROM_RUNS)
    .sort((a, b) => a - b);
  if (usable.length < MIN_LEARNED_RUNS) return null;
  const middle = Math.floor(usable.length / 2);
  return usable.length % 2 === 1 ? usable[middle] : Math.round((usable[middle - 1] + usable[middle]) / 2);
}

/**
 * The wait before poll number `poll` (0-based). With an expectation: evenly spaced gaps of at most
 * POLL_MAX_GAP_MS up to a little past the expected end, then 2 s, 4 s, 8 s … 30 s. Without: the client's default.
 */
export function pollDelayMs(expectedMs: number | null, poll: number): number {
  if (expectedMs === null) return pollIntervalMs(poll);
  // A little past the median: a snapshot as quick as the last ones is then seen done at the first look.
  const target = Math.round(expectedMs * 1.05) + 1_000;
  const looks = Math.max(1, Math.ceil(target / POLL_MAX_GAP_MS));
  if (poll < looks) return Math.ceil(target / looks);
  return Math.min(LATE_MAX_MS, LATE_FIRST_MS * 2 ** (poll - looks));
}

/** Milliseconds between Hetzner's `started` and `finished` of an action, or null when either is unreadable. */
export function actionDurationMs(action: { started: string; finished: string | null }): number | null {
  const started = Date.parse(action.started);
  const finished = action.finished ? Date.parse(action.finished) : NaN;
  if (!Number.isFinite(started) || !Number.isFinite(finished) || finished < started) return null;
  return finished - started;
}
