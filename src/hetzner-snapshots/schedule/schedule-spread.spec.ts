import { thrownBy } from './schedule-input.testing';
import { spreadOffsetMinutes, stableOffsetMinutes } from './schedule-spread';

describe('stableOffsetMinutes', () => {
  it('is pinned: changing the hash would move every existing server to a new minute', () => {
    expect(stableOffsetMinutes(12345678, 60)).toBe(29);
    expect(stableOffsetMinutes(42, 360)).toBe(11);
  });

  it('stays inside 0..spread-1 and uses the whole spread', () => {
    const offsets = Array.from({ length: 1000 }, (_, i) => stableOffsetMinutes(100_000 + i, 60));
    expect(Math.min(...offsets)).toBe(0);
    expect(Math.max(...offsets)).toBe(59);
    expect(new Set(offsets).size).toBe(60);
  });

  it('is always 0 with a spread of 1', () => {
    expect(stableOffsetMinutes(987654, 1)).toBe(0);
  });

  it.each([0, -5, 2.5])('refuses a spread of %d', (spread) => {
    expect(thrownBy(() => stableOffsetMinutes(1, spread)).code).toBe('bad_offset');
  });
});

describe('spreadOffsetMinutes', () => {
  it.each<[string, Parameters<typeof spreadOffsetMinutes>[0], number]>([
    [
      'every 6 hours, spread 60',
      { preset: { kind: 'hours', every: 6 }, serverId: 12345678, spreadMinutes: 60 },
      29,
    ],
    [
      'a spread longer than the period is cut to it',
      { preset: { kind: 'hours', every: 1 }, serverId: 42, spreadMinutes: 360 },
      stableOffsetMinutes(42, 60),
    ],
    ['daily is never spread', { preset: { kind: 'daily', at: '03:30' }, serverId: 42, spreadMinutes: 60 }, 0],
    ['no spread', { preset: { kind: 'hours', every: 6 }, serverId: 42, spreadMinutes: 0 }, 0],
    ['no server id', { preset: { kind: 'hours', every: 6 }, serverId: null, spreadMinutes: 60 }, 0],
  ])('%s', (_name, input, expected) => {
    expect(spreadOffsetMinutes(input)).toBe(expected);
  });
});
