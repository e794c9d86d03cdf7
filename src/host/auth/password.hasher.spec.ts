import {
  DEFAULT_PASSWORD_HASH_COST,
  hashPassword,
  usePasswordHashCost,
  verifyPassword,
} from './password.hasher';

describe('password hasher', () => {
  afterEach(() => usePasswordHashCost(DEFAULT_PASSWORD_HASH_COST));

  it('hashes with scrypt at the strong default cost (N = 2^15, r = 8) unless configured otherwise', async () => {
    const stored = await hashPassword('correct horse battery staple');
    expect(stored.split('$').slice(0, 4)).toEqual(['scrypt', String(2 ** 15), '8', '1']);
    await expect(verifyPassword('correct horse battery staple', stored)).resolves.toBe(true);
    await expect(verifyPassword('correct horse battery stapler', stored)).resolves.toBe(false);
  });

  it('uses the configured cost for new hashes and still verifies hashes made at another cost', async () => {
    const strong = await hashPassword('first password here');
    usePasswordHashCost(10);
    const cheap = await hashPassword('second password here');
    expect(cheap.split('$')[1]).toBe(String(2 ** 10));
    await expect(verifyPassword('first password here', strong)).resolves.toBe(true);
    await expect(verifyPassword('second password here', cheap)).resolves.toBe(true);
  });

  it('refuses a stored value that is not an scrypt hash', async () => {
    await expect(verifyPassword('anything at all', 'plain-text')).resolves.toBe(false);
  });
});
