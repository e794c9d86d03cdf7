// The names of the login_throttle rows: what each guess is counted against. Made, lifted and read back in
// words here only, so `admin reset-password` and `doctor` cannot drift from the keys sign-in writes.

export const throttleKeys = {
  /** Guesses at one username from one address: the owner elsewhere is never locked out by a stranger. */
  signInAs: (username: string, address: string) => `user:${username.trim().toLowerCase()}|ip:${address}`,
  /** Every sign-in guess from one address, whatever the username. */
  signInFrom: (address: string) => `ip:${address}`,
  setupFrom: (address: string) => `setup|ip:${address}`,
  passwordCheck: (adminId: number) => `password-check:admin:${adminId}`,
  twoFactorCodes: (adminId: number) => `totp:admin:${adminId}`,
};

/**
 * Every key that can stand between an admin and signing in: their username at any address, every address
 * (the owner's own may be the one locked), and their own password and code checks (exact: a prefix
 * "totp:admin:3" would lift admin 31's too).
 */
export function signInLocksOf(admin: { id: number; username: string }): {
  keys: string[];
  prefixes: string[];
} {
  return {
    prefixes: [`user:${admin.username.toLowerCase()}|`, 'ip:'],
    keys: [throttleKeys.passwordCheck(admin.id), throttleKeys.twoFactorCodes(admin.id)],
  };
}

/** A key in words, for `doctor`. */
export function describeThrottleKey(key: string): string {
  let m = /^user:(.*)\|ip:(.*)$/.exec(key);
  if (m) return `sign-in as "${m[1]}" from ${m[2]}`;
  if ((m = /^ip:(.*)$/.exec(key))) return `every sign-in from ${m[1]}`;
  if ((m = /^setup\|ip:(.*)$/.exec(key))) return `first-run setup from ${m[1]}`;
  if ((m = /^password-check:admin:(\d+)$/.exec(key))) return `the current-password check of admin #${m[1]}`;
  if ((m = /^totp:admin:(\d+)$/.exec(key))) return `two-factor codes of admin #${m[1]}`;
  return key;
}
