import {
  claimAttempt,
  giveBackAttempt,
  LOCK_AFTER,
  LOCK_MS,
  SLOW_DOWN_AFTER,
  SLOW_DOWN_MS,
  THROTTLE_WINDOW_MS,
  ThrottleState,
  waitBeforeAttempt,
} from './login-throttle.policy';

const t0 = new Date('2026-03-02T08:00:00Z');
const at = (ms: number) => new Date(t0.getTime() + ms);

function claims(n: number, now = t0): ThrottleState | null {
  let state: ThrottleState | null = null;
  for (let i = 0; i < n; i++) state = claimAttempt(state, now);
  return state;
}

describe('login throttle policy', () => {
  it.each([
    [1, 0],
    [SLOW_DOWN_AFTER - 1, 0],
    [SLOW_DOWN_AFTER, SLOW_DOWN_MS],
    [LOCK_AFTER - 1, SLOW_DOWN_MS],
    [LOCK_AFTER, LOCK_MS],
  ])('after %i claimed attempts the next waits %i ms', (n, wait) => {
    expect(waitBeforeAttempt(claims(n), t0)).toBe(wait);
  });

  it('starts counting again once a window passes', () => {
    const state = claimAttempt(claims(SLOW_DOWN_AFTER - 1), at(THROTTLE_WINDOW_MS + 1));
    expect(state).toEqual({ failures: 1, firstFailureAt: at(THROTTLE_WINDOW_MS + 1), lockedUntil: null });
  });

  it('keeps an earlier wait that is still running when a claim does not reach a threshold', () => {
    const slowed = claims(SLOW_DOWN_AFTER)!;
    // (Only reachable when the wait has passed: callers refuse claims while it runs.)
    const next = claimAttempt(slowed, at(SLOW_DOWN_MS + 1));
    expect(next.failures).toBe(SLOW_DOWN_AFTER + 1);
    expect(waitBeforeAttempt(next, at(SLOW_DOWN_MS + 1))).toBe(SLOW_DOWN_MS);
  });

  it('gives a claim back after a right secret, lifting a wait the claim itself set', () => {
    expect(giveBackAttempt(claims(1)!)).toBeNull();
    const back = giveBackAttempt(claims(SLOW_DOWN_AFTER)!)!;
    expect(back.failures).toBe(SLOW_DOWN_AFTER - 1);
    expect(back.lockedUntil).toBeNull();
    expect(giveBackAttempt(claims(LOCK_AFTER)!)!.lockedUntil).toEqual(at(LOCK_MS));
  });
});
