import { judgeSignInLocks } from './sign-in-locks.check';

const now = new Date('2026-03-02T08:00:00Z');
const until = (min: number) => new Date(now.getTime() + min * 60_000);

describe("doctor's sign-in-locks check", () => {
  it('is OK without locks', () => {
    expect(judgeSignInLocks([], now)).toEqual({
      name: 'sign-in-locks',
      level: 'OK',
      message: 'no sign-in is locked',
      hint: null,
    });
  });

  it('names each lock in words and says how to lift it', () => {
    const check = judgeSignInLocks(
      [
        { key: 'user:alice|ip:203.0.113.9', failures: 10, lockedUntil: until(14.2) },
        { key: 'ip:203.0.113.9', failures: 12, lockedUntil: until(15) },
        { key: 'setup|ip:198.51.100.1', failures: 5, lockedUntil: until(0.5) },
        { key: 'totp:admin:3', failures: 5, lockedUntil: until(1) },
      ],
      now,
    );
    expect(check.level).toBe('WARN');
    expect(check.message).toBe(
      'locked after failed attempts: sign-in as "alice" from 203.0.113.9 (10 failed, 15 more min); every sign-in from 203.0.113.9 (12 failed, 15 more min); first-run setup from 198.51.100.1 (5 failed, 1 more min); two-factor codes of admin #3 (5 failed, 1 more min)',
    );
    expect(check.hint).toContain('snapshot-panel admin reset-password --username NAME');
  });
});
