import { describeThrottleKey, signInLocksOf, throttleKeys } from './throttle-keys';

const alice = { id: 3, username: 'Alice' };
const lifted = (key: string) => {
  const { keys, prefixes } = signInLocksOf(alice);
  return keys.includes(key) || prefixes.some((prefix) => key.startsWith(prefix));
};

describe('throttle keys', () => {
  test.each([
    ["alice's name from any address, any case", throttleKeys.signInAs(' ALICE ', '203.0.113.9'), true],
    ['every address', throttleKeys.signInFrom('198.51.100.1'), true],
    ["alice's current-password check", throttleKeys.passwordCheck(3), true],
    ["alice's two-factor codes", throttleKeys.twoFactorCodes(3), true],
    ['another admin whose name starts the same', throttleKeys.signInAs('alicex', '203.0.113.9'), false],
    ["another admin's code check (#31, not #3)", throttleKeys.twoFactorCodes(31), false],
    ["another admin's password check (#30)", throttleKeys.passwordCheck(30), false],
    ['first-run setup', throttleKeys.setupFrom('203.0.113.9'), false],
  ])('a reset of alice lifts %s: %s', (_case, key, expected) => {
    expect(lifted(key)).toBe(expected);
  });

  test.each([
    [throttleKeys.signInAs('alice', '203.0.113.9'), 'sign-in as "alice" from 203.0.113.9'],
    [throttleKeys.signInFrom('2001:db8::1'), 'every sign-in from 2001:db8::1'],
    [throttleKeys.setupFrom('198.51.100.1'), 'first-run setup from 198.51.100.1'],
    [throttleKeys.passwordCheck(3), 'the current-password check of admin #3'],
    [throttleKeys.twoFactorCodes(3), 'two-factor codes of admin #3'],
    ['something-else', 'something-else'],
  ])('%s reads as %s', (key, words) => {
    expect(describeThrottleKey(key)).toBe(words);
  });
});
