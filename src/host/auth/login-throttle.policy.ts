// Pure rules for failed logins: after a few failures an account or address waits a minute, after more it
// is locked for a quarter of an hour. Counting restarts once a window passes without failures.
export const THROTTLE_WINDOW_MS = 15 * 60_000;
export const SLOW_DOWN_AFTER = 5;
export const SLOW_DOWN_MS = 60_000;
export const LOCK_AFTER = 10;
export const LOCK_MS = 15 * 60_000;

export interface ThrottleState {
  failures: number;
  firstFailureAt: Date;
  lockedUntil: Date | null;
}

export function recordFailure(state: ThrottleState | null, now: Date): ThrottleState {
  const fresh = !state || now.getTime() - state.firstFailureAt.getTime() > THROTTLE_WINDOW_MS;
  const failures = fresh ? 1 : state.failures + 1;
  const firstFailureAt = fresh ? now : state.firstFailureAt;
  let lockedUntil: Date | null = null;
  if (failures >= LOCK_AFTER) lockedUntil = new Date(now.getTime() + LOCK_MS);
  else if (failures >= SLOW_DOWN_AFTER) lockedUntil = new Date(now.getTime() + SLOW_DOWN_MS);
  return { failures, firstFailureAt, lockedUntil };
}

/** Milliseconds until a new attempt is allowed, 0 when it is. */
export function waitBeforeAttempt(state: ThrottleState | null, now: Date): number {
  if (!state?.lockedUntil) return 0;
  return Math.max(0, state.lockedUntil.getTime() - now.getTime());
}

export function describeWait(ms: number): string {
  const minutes = Math.ceil(ms / 60_000);
  if (ms <= 60_000)
    return `Too many failed sign-ins. Wait ${Math.ceil(ms / 1000)} seconds before trying again.`;
  return `Too many failed sign-ins: sign-in is locked for ${minutes} more minutes.`;
}
