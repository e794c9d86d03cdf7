// The host's contribution to `snapshot-panel doctor`: which sign-in locks are in force. The doctor belongs
// to the plugin and never reads host tables; the doctor command (host side) appends this check to its own.
import type { DoctorCheck } from '../../hetzner-snapshots/doctor/doctor.checks';
import type { ActiveLock } from './login-throttle.store';
import { describeThrottleKey } from './throttle-keys';

export function judgeSignInLocks(locks: ActiveLock[], now: Date): DoctorCheck {
  if (locks.length === 0)
    return { name: 'sign-in-locks', level: 'OK', message: 'no sign-in is locked', hint: null };
  const parts = locks.map((l) => {
    const minutes = Math.max(1, Math.ceil((l.lockedUntil.getTime() - now.getTime()) / 60_000));
    return `${describeThrottleKey(l.key)} (${l.failures} failed, ${minutes} more min)`;
  });
  return {
    name: 'sign-in-locks',
    level: 'WARN',
    message: `locked after failed attempts: ${parts.join('; ')}`,
    hint: 'Wait for it to pass, or run: snapshot-panel admin reset-password --username NAME (lifts the locks).',
  };
}
