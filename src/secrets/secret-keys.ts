// Owns the panel's keys. One master key comes from SECRET_KEY, or is generated on first start into a file
// in DATA_DIR that only its owner can read; purpose-bound keys are derived from it with HKDF, so the key
// that encrypts the API token is never the key that signs CSRF tokens. Nothing here is ever stored in SQLite.
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { registerSecret } from '../logging/line.logger';

export interface SecretKeys {
  /** AES-256-GCM key for the Hetzner API token at rest */
  tokenEncryption: Buffer;
  /** HMAC key for CSRF tokens */
  csrf: Buffer;
  /** AES-256-GCM key for admins' TOTP secrets at rest */
  twoFactorEncryption: Buffer;
  /** Where the master key came from, for doctor and the settings page */
  source: 'SECRET_KEY' | 'key-file';
  keyFile: string | null;
}

export const SECRET_KEYS = Symbol('SECRET_KEYS');
export const KEY_FILE_NAME = 'secret.key';

export function loadSecretKeys(opts: { secretKey: string | null; dataDir: string }): SecretKeys {
  let master: Buffer;
  let source: SecretKeys['source'];
  let keyFile: string | null = null;
  if (opts.secretKey) {
    registerSecret(opts.secretKey);
    master = Buffer.from(opts.secretKey, 'utf8');
    source = 'SECRET_KEY';
  } else {
    keyFile = path.join(opts.dataDir, KEY_FILE_NAME);
    master = readOrCreateKeyFile(keyFile);
    source = 'key-file';
  }
  const derive = (purpose: string) =>
    Buffer.from(crypto.hkdfSync('sha256', master, Buffer.alloc(0), `snapshot-panel/${purpose}`, 32));
  return {
    tokenEncryption: derive('token-encryption/v1'),
    csrf: derive('csrf/v1'),
    twoFactorEncryption: derive('totp-encryption/v1'),
    source,
    keyFile,
  };
}

function readOrCreateKeyFile(file: string): Buffer {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  try {
    // 'wx' fails if the file exists, so two processes starting together cannot overwrite each other's key.
    const fresh = crypto.randomBytes(32).toString('base64');
    fs.writeFileSync(file, fresh + '\n', { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  const text = fs.readFileSync(file, 'utf8').trim();
  const key = Buffer.from(text, 'base64');
  if (key.length < 32)
    throw new Error(
      `The key file ${file} is damaged (expected 32 random bytes in base64). Restore it from a backup: without it the stored API token cannot be decrypted.`,
    );
  return key;
}
