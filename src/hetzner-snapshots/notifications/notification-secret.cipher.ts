// AES-256-GCM for channel secrets at rest (SMTP password, HMAC secret, ntfy token), with their own HKDF
// purpose key and associated data, so a token ciphertext can never be passed off as a channel secret. Both
// ways register the secret with the log redactor, as TokenVault does for the token.
import { registerSecret } from '../../logging/line.logger';
import { openSecret, sealSecret } from '../../secrets/sealed-secret';

const PURPOSE = 'snapshot-panel/notification-secret';

export class ChannelSecretDecryptionError extends Error {
  constructor() {
    super(
      'A channel secret cannot be decrypted with this key (was SECRET_KEY or the key file changed?). Enter it again in Settings → Notifications.',
    );
  }
}

export function encryptChannelSecret(secret: string, key: Buffer): string {
  registerSecret(secret);
  return sealSecret(secret, key, PURPOSE);
}

export function decryptChannelSecret(stored: string, key: Buffer): string {
  const secret = openSecret(stored, key, PURPOSE);
  if (secret === null) throw new ChannelSecretDecryptionError();
  registerSecret(secret);
  return secret;
}
