// AES-256-GCM for the API token at rest: a fresh 96-bit nonce for every encryption, the tag checked on
// every decryption, and a version prefix so the scheme can change later without guessing.
import * as crypto from 'node:crypto';

const VERSION = 'v1';

export class TokenDecryptionError extends Error {
  constructor() {
    super(
      'The stored API token cannot be decrypted with this key (was SECRET_KEY or the key file changed?). Paste the token again in Settings.',
    );
  }
}

export function encryptToken(token: string, key: Buffer): string {
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from('snapshot-panel/hcloud-token'));
  const body = Buffer.concat([cipher.update(token, 'utf8'), cipher.final()]);
  return [
    VERSION,
    iv.toString('base64'),
    cipher.getAuthTag().toString('base64'),
    body.toString('base64'),
  ].join(':');
}

export function decryptToken(stored: string, key: Buffer): string {
  const [version, iv, tag, body] = stored.split(':');
  if (version !== VERSION || !iv || !tag || body === undefined) throw new TokenDecryptionError();
  try {
    const decipher = crypto.createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64'));
    decipher.setAAD(Buffer.from('snapshot-panel/hcloud-token'));
    decipher.setAuthTag(Buffer.from(tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64')), decipher.final()]).toString('utf8');
  } catch {
    throw new TokenDecryptionError();
  }
}
