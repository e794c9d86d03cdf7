// scrypt (memory-hard, in Node's standard library) with a per-password salt; parameters are stored with
// the hash so they can be raised later without invalidating existing passwords.
import * as crypto from 'node:crypto';
import { promisify } from 'node:util';

const scrypt = promisify(crypto.scrypt) as (
  pw: string,
  salt: Buffer,
  len: number,
  opts: crypto.ScryptOptions,
) => Promise<Buffer>;

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 256;
/** log2 of scrypt's N. 15 is 32 MiB with r=8: memory-hard, ~100 ms on one core. */
export const DEFAULT_PASSWORD_HASH_COST = 15;
const R = 8;
const P = 1;
const KEY_LENGTH = 32;

// Set once at start from the validated config (PASSWORD_HASH_COST); tests choose a cheap cost.
let log2N = DEFAULT_PASSWORD_HASH_COST;
const dummyHashes = new Map<number, Promise<string>>();

export function usePasswordHashCost(cost: number): void {
  log2N = cost;
}

export async function hashPassword(password: string): Promise<string> {
  const N = 2 ** log2N;
  const salt = crypto.randomBytes(16);
  const key = await scrypt(password, salt, KEY_LENGTH, { N, r: R, p: P, maxmem: 128 * N * R * 2 });
  return ['scrypt', N, R, P, salt.toString('base64'), key.toString('base64')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const cost = { N: Number(n), r: Number(r), p: Number(p) };
  const actual = await scrypt(password, Buffer.from(salt, 'base64'), expected.length, {
    ...cost,
    maxmem: 128 * cost.N * cost.r * 2,
  });
  return crypto.timingSafeEqual(actual, expected);
}

/** A hash of a throwaway password at today's cost, so an unknown username costs as much time as a known one. */
export function dummyPasswordHash(): Promise<string> {
  let hash = dummyHashes.get(log2N);
  if (!hash) {
    hash = hashPassword('timing-equaliser-not-a-real-password');
    dummyHashes.set(log2N, hash);
  }
  return hash;
}
