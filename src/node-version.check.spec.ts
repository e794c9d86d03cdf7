import { nodeIsSupported } from './node-version.check';

describe('nodeIsSupported', () => {
  it.each([
    ['20.20.2', false],
    ['22.11.0', false],
    ['22.12.0', true],
    ['23.0.0', true],
    ['24.22.3', true],
    ['26.1.0', true],
  ])('Node %s → %s', (version, expected) => {
    expect(nodeIsSupported(version)).toBe(expected);
  });
});
