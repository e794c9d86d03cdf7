// The API token at rest, both ways, next to the connection that uses it (AES-256-GCM, src/secrets/sealed-secret).
// The settings save seals a token; the connection opens it.
import { Inject, Injectable } from '@nestjs/common';
import { registerSecret } from '../../logging/line.logger';
import { openSecret, sealSecret } from '../../secrets/sealed-secret';
import { HETZNER_SNAPSHOTS_OPTIONS, HetznerSnapshotsModuleOptions } from '../hetzner-snapshots.options';

export class TokenDecryptionError extends Error {
  constructor() {
    super(
      'The stored API token cannot be decrypted with this key (was SECRET_KEY or the key file changed?). Paste the token again in Settings.',
    );
  }
}

const PURPOSE = 'snapshot-panel/hcloud-token';

export function encryptToken(token: string, key: Buffer): string {
  return sealSecret(token, key, PURPOSE);
}

export function decryptToken(stored: string, key: Buffer): string {
  const token = openSecret(stored, key, PURPOSE);
  if (token === null) throw new TokenDecryptionError();
  return token;
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
