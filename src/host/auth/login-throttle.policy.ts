// Pure rules for guesses (passwords, setup codes, two-factor codes): after a few failures a key waits a
// minute, after more it is locked for a quarter of an hour. Counting restarts once a window passes. An
// attempt is claimed (counted) before the secret is checked, so parallel guesses count one each.
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

/** Milliseconds until a new attempt is allowed, 0 when it is. */
export function waitBeforeAttempt(state: ThrottleState | null, now: Date): number {
  if (!state?.lockedUntil) return 0;
  return Math.max(0, state.lockedUntil.getTime() - now.getTime());
}

/**
 * Counts one attempt as a failure in advance: the state to store before the secret is checked. The attempt
 * that reaches a threshold sets the wait itself, so attempts racing it are refused without being checked.
 */
export function claimAttempt(state: ThrottleState | null, now: Date): ThrottleState {
  const fresh = !state || now.getTime() - state.firstFailureAt.getTime() > THROTTLE_WINDOW_MS;
  const failures = fresh ? 1 : state.failures + 1;
  const firstFailureAt = fresh ? now : state.firstFailureAt;
  let lockedUntil: Date | null = fresh ? null : state.lockedUntil;
  if (failures >= LOCK_AFTER) lockedUntil = new Date(now.getTime() + LOCK_MS);
  else if (failures >= SLOW_DOWN_AFTER) lockedUntil = new Date(now.getTime() + SLOW_DOWN_MS);
  return { failures, firstFailureAt, lockedUntil };
}

/** Undoes one claim whose secret turned out right (another key's claim stays counted). */
export function giveBackAttempt(state: ThrottleState): ThrottleState | null {
  const failures = state.failures - 1;
  if (failures <= 0) return null;
  return { ...state, failures, lockedUntil: failures < SLOW_DOWN_AFTER ? null : state.lockedUntil };
}

export function describeWait(ms: number, what = 'sign-ins'): string {
  const minutes = Math.ceil(ms / 60_000);
  if (ms <= 60_000)
    return `Too many failed ${what}. Wait ${Math.ceil(ms / 1000)} seconds before trying again.`;
  return `Too many failed ${what}: locked for ${minutes} more minutes.`;
}
