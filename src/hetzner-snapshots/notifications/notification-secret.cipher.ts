// AES-256-GCM for channel secrets at rest (SMTP password, HMAC secret, ntfy token), with their own HKDF
// purpose key and associated data, so a token ciphertext can never be passed off as a channel secret.
import * as crypto from 'node:crypto';

const VERSION = 'v1';
const AAD = Buffer.from('snapshot-panel/notification-secret');

export class ChannelSecretDecryptionError extends Error {
  constructor() {
    super(
      'A channel secret cannot be decrypted with this key (was SECRET_KEY or the key file changed?). Enter it again in Settings → Notifications.',
    );
  }
}

export function encryptChannelSecret(secret: string, key: Buffer): string {
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(AAD);
  const body = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
  return [
    VERSION,
    iv.toString('base64'),
    cipher.getAuthTag().toString('base64'),
    body.toString('base64'),
  ].join(':');
}

export function decryptChannelSecret(stored: string, key: Buffer): string {
  const [version, iv, tag, body] = stored.split(':');
  if (version !== VERSION || !iv || !tag || body === undefined) throw new ChannelSecretDecryptionError();
  try {
    const decipher = crypto.createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64'));
    decipher.setAAD(AAD);
    decipher.setAuthTag(Buffer.from(tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64')), decipher.final()]).toString('utf8');
  } catch {
    throw new ChannelSecretDecryptionError();
  }
}
