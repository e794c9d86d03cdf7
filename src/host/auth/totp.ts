// Two-factor codes (TOTP, RFC 6238: SHA-1, 6 digits, 30-second steps, one step of clock drift either way),
// the secret's encryption at rest (AES-256-GCM with its own HKDF purpose key), and recovery codes.
import * as crypto from 'node:crypto';
import { openSecret, sealSecret } from '../../secrets/sealed-secret';
import type * as Otpauth from 'otpauth';

const PERIOD = 30;
const PURPOSE = 'snapshot-panel/totp-secret';
export const RECOVERY_CODE_COUNT = 10;

export class TotpSecretUnreadableError extends Error {
  constructor() {
    super(
      'The two-factor secret cannot be decrypted with this key (did SECRET_KEY or the key file change?).',
    );
  }
}

/**
 * Loaded on first use (a sign-in with two-factor on, or its setup): most processes never need it, and idle
 * memory is measured (bench/README).
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- synchronous callers; require caches it
const otpauth = (): typeof Otpauth => require('otpauth') as typeof Otpauth;

const totp = (secretBase32: string, label = '') =>
  new (otpauth().TOTP)({
    issuer: 'Snapshot Panel',
    label,
    secret: otpauth().Secret.fromBase32(secretBase32),
    algorithm: 'SHA1',
    digits: 6,
    period: PERIOD,
  });

export function newTotpSecret(): string {
  return new (otpauth().Secret)({ size: 20 }).base32;
}

/** What the authenticator app scans. */
export function totpUri(secretBase32: string, username: string): string {
  return totp(secretBase32, username).toString();
}

/** The time step a 6-digit code belongs to (within one step of now), or null when it is not valid. */
export function matchTotpStep(secretBase32: string, code: string, now: Date): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const delta = totp(secretBase32).validate({ token: code, timestamp: now.getTime(), window: 1 });
  if (delta === null) return null;
  return Math.floor(now.getTime() / 1000 / PERIOD) + delta;
}

/** For tests and the demo: the code an authenticator shows at `now`. */
export function totpCodeAt(secretBase32: string, now: Date): string {
  return totp(secretBase32).generate({ timestamp: now.getTime() });
}

export function encryptTotpSecret(secret: string, key: Buffer): string {
  return sealSecret(secret, key, PURPOSE);
}

export function decryptTotpSecret(stored: string, key: Buffer): string {
  const secret = openSecret(stored, key, PURPOSE);
  if (secret === null) throw new TotpSecretUnreadableError();
  return secret;
}

/** Ten codes like "k7qm-2xwp-9hte", typed by hand (no 0/o, 1/l). */
export function newRecoveryCodes(): string[] {
  const alphabet = 'abcdefghijkmnpqrstuvwxyz23456789';
  return Array.from({ length: RECOVERY_CODE_COUNT }, () => {
    const raw = Array.from({ length: 12 }, () => alphabet[crypto.randomInt(alphabet.length)]).join('');
    return `${raw.slice(0, 4)}-${raw.slice(4, 8)}-${raw.slice(8)}`;
  });
}

/** Recovery codes have 60 random bits: a plain SHA-256 of the normalised code is enough. */
export function hashRecoveryCode(code: string): string {
  const normal = code.trim().toLowerCase().replace(/[\s-]/g, '');
  return crypto.createHash('sha256').update(`recovery:${normal}`).digest('hex');
}

export function looksLikeRecoveryCode(code: string): boolean {
  return /^[a-z0-9]{4}-?[a-z0-9]{4}-?[a-z0-9]{4}$/i.test(code.trim());
}
