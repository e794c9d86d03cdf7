// The doctor's vocabulary: one check with a level, a sentence and what to do, and the three ways to make one.
export type DoctorLevel = 'OK' | 'WARN' | 'FAIL';

export interface DoctorCheck {
  /** Stable, kebab-case: scripts reading `doctor --json` match on it. */
  name: string;
  level: DoctorLevel;
  message: string;
  /** What to do about it; null when nothing needs doing. */
  hint: string | null;
}

export const ok = (name: string, message: string): DoctorCheck => ({
  name,
  level: 'OK',
  message,
  hint: null,
});
export const warn = (name: string, message: string, hint: string | null): DoctorCheck => ({
  name,
  level: 'WARN',
  message,
  hint,
});
export const fail = (name: string, message: string, hint: string | null): DoctorCheck => ({
  name,
  level: 'FAIL',
  message,
  hint,
});
