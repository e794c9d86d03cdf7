// The one way a secret is kept at rest: AES-256-GCM with a fresh 96-bit nonce for every seal, the tag checked
// on every open, associated data naming what the secret is (so one kind of ciphertext can never be passed
// off as another), and a version prefix so the scheme can change later without guessing.
import * as crypto from 'node:crypto';

const VERSION = 'v1';

/** v1:<iv>:<tag>:<ciphertext>, all base64. */
export function sealSecret(plaintext: string, key: Buffer, purpose: string): string {
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(purpose));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [
    VERSION,
    iv.toString('base64'),
    cipher.getAuthTag().toString('base64'),
    body.toString('base64'),
  ].join(':');
}

/** The plaintext, or null when this key (or this purpose) cannot open it. */
export function openSecret(stored: string, key: Buffer, purpose: string): string | null {
  const [version, iv, tag, body] = stored.split(':');
  if (version !== VERSION || !iv || !tag || body === undefined) return null;
  try {
    const decipher = crypto.createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64'));
    decipher.setAAD(Buffer.from(purpose));
    decipher.setAuthTag(Buffer.from(tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64')), decipher.final()]).toString('utf8');
  } catch {
    return null;
  }
}
