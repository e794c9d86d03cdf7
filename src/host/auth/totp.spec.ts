import {
  decryptTotpSecret,
  encryptTotpSecret,
  hashRecoveryCode,
  matchTotpStep,
  newRecoveryCodes,
  newTotpSecret,
  totpCodeAt,
  TotpSecretUnreadableError,
} from './totp';

describe('TOTP', () => {
  // RFC 6238, appendix B: the SHA-1 secret "12345678901234567890" at 59 s gives 94287082 (8 digits); 6 digits: 287082.
  const rfcSecret = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
  const at59 = new Date(59_000);

  it('matches the RFC 6238 test vector and says which 30-second step a code belongs to', () => {
    expect(totpCodeAt(rfcSecret, at59)).toBe('287082');
    expect(matchTotpStep(rfcSecret, '287082', at59)).toBe(1);
    // One step of clock drift either way, not more.
    expect(matchTotpStep(rfcSecret, '287082', new Date(89_000))).toBe(1);
    expect(matchTotpStep(rfcSecret, '287082', new Date(119_000))).toBeNull();
    expect(matchTotpStep(rfcSecret, '28708', at59)).toBeNull();
    expect(matchTotpStep(rfcSecret, '28708x', at59)).toBeNull();
  });

  it('keeps the secret encrypted with its own key, and refuses another key', () => {
    const key = Buffer.alloc(32, 7);
    const secret = newTotpSecret();
    const stored = encryptTotpSecret(secret, key);
    expect(stored).not.toContain(secret);
    expect(decryptTotpSecret(stored, key)).toBe(secret);
    expect(() => decryptTotpSecret(stored, Buffer.alloc(32, 8))).toThrow(TotpSecretUnreadableError);
  });

  it('makes ten distinct recovery codes whose hash ignores case and dashes', () => {
    const codes = newRecoveryCodes();
    expect(new Set(codes).size).toBe(10);
    expect(codes[0]).toMatch(/^[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}$/);
    expect(hashRecoveryCode(codes[0].toUpperCase().replace(/-/g, ''))).toBe(hashRecoveryCode(codes[0]));
  });
});
