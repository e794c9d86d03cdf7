import { formatDuration, formatElapsed, formatRelative } from './duration.format';

const NOW = new Date('2026-11-22T12:00:00Z');
const ago = (ms: number) => new Date(NOW.getTime() - ms);

describe('formatRelative', () => {
  it.each([
    [10_000, 'just now'],
    [60_000, '1 minute ago'],
    [5 * 60_000, '5 minutes ago'],
    [3 * 3_600_000 + 10 * 60_000, '3 hours ago'],
    [3 * 3_600_000 - 60_000, '3 hours ago'],
    [59 * 60_000 + 50_000, '1 hour ago'],
    [30 * 3_600_000, '30 hours ago'],
    [3 * 86_400_000, '3 days ago'],
    [90 * 86_400_000, '3 months ago'],
    [800 * 86_400_000, '2 years ago'],
    [-10 * 60_000, 'in 10 minutes'],
  ])('%p ms → %p', (ms, text) => expect(formatRelative(ago(ms), NOW)).toBe(text));
});

describe('formatElapsed', () => {
  it.each([
    { ms: 0, expected: '0 s' },
    { ms: 45_400, expected: '45 s' },
    { ms: 60_000, expected: '1 min' },
    { ms: 192_000, expected: '3 min 12 s' },
    { ms: 3_600_000, expected: '1 h' },
    { ms: 3_840_000, expected: '1 h 4 min' },
    { ms: -5, expected: '0 s' },
  ])('$ms ms → $expected', ({ ms, expected }) => {
    expect(formatElapsed(ms)).toBe(expected);
  });
});

describe('formatDuration', () => {
  it.each([
    [30_000, 'less than a minute'],
    [40 * 60_000, '40 minutes'],
    [5 * 3_600_000, '5 hours'],
    [7 * 86_400_000 + 3 * 3_600_000, '7 days and 3 hours'],
    [45 * 86_400_000 + 3 * 3_600_000, '45 days'],
  ])('%p ms → %p', (ms, text) => expect(formatDuration(ms)).toBe(text));
});
