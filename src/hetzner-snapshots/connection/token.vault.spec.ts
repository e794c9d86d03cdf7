import * as crypto from 'node:crypto';
import { decryptToken, encryptToken, TokenDecryptionError } from './token.vault';

describe('token cipher', () => {
  const key = crypto.randomBytes(32);
  const token = 'hcloud-token-' + 'x'.repeat(51);

  it('round-trips and never contains the token in clear', () => {
    const stored = encryptToken(token, key);
    expect(stored).not.toContain(token);
    expect(stored).not.toContain(Buffer.from(token).toString('base64'));
    expect(decryptToken(stored, key)).toBe(token);
  });

  it('uses a fresh nonce every time', () => {
    expect(encryptToken(token, key)).not.toBe(encryptToken(token, key));
  });

  it('refuses a wrong key and a tampered ciphertext', () => {
    const stored = encryptToken(token, key);
    expect(() => decryptToken(stored, crypto.randomBytes(32))).toThrow(TokenDecryptionError);
    const parts = stored.split(':');
    const body = Buffer.from(parts[3], 'base64');
    body[0] ^= 1;
    expect(() =>
      decryptToken([parts[0], parts[1], parts[2], body.toString('base64')].join(':'), key),
    ).toThrow(TokenDecryptionError);
    expect(() => decryptToken('garbage', key)).toThrow(TokenDecryptionError);
  });
});
