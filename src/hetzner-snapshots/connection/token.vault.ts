// The API token at rest, both ways, next to the connection that uses it: AES-256-GCM with a fresh 96-bit
// nonce for every encryption, the tag checked on every decryption, and a version prefix so the scheme can
// change later without guessing. The settings save seals a token; the connection opens it.
import { Inject, Injectable } from '@nestjs/common';
import * as crypto from 'node:crypto';
import { registerSecret } from '../../logging/line.logger';
import { HETZNER_SNAPSHOTS_OPTIONS, HetznerSnapshotsModuleOptions } from '../hetzner-snapshots.options';

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

/** The token key from the host's options, applied in one place. */
@Injectable()
export class TokenVault {
  constructor(@Inject(HETZNER_SNAPSHOTS_OPTIONS) private readonly options: HetznerSnapshotsModuleOptions) {}

  /** v1:<iv>:<tag>:<ciphertext>, what PanelSettingsStore keeps. */
  seal(token: string): string {
    registerSecret(token);
    return encryptToken(token, this.options.tokenEncryptionKey);
  }

  /** Throws TokenDecryptionError when the current key cannot open it. */
  open(sealed: string): string {
    const token = decryptToken(sealed, this.options.tokenEncryptionKey);
    registerSecret(token);
    return token;
  }

  /** Whether the current key opens it (for the page and the banners; the token itself is not kept). */
  opens(sealed: string): boolean {
    try {
      decryptToken(sealed, this.options.tokenEncryptionKey);
      return true;
    } catch {
      return false;
    }
  }
}
