import { formatClockTime, formatElapsed, formatPanelTime } from './panel-time.format';

describe('formatPanelTime', () => {
  it.each([
    { at: '2026-11-22T02:30:00Z', zone: 'Europe/Berlin', expected: '22 Nov 2026, 03:30 CET' },
    { at: '2026-07-01T01:30:00Z', zone: 'Europe/Berlin', expected: '1 Jul 2026, 03:30 CEST' },
    // the repeated autumn hour: the abbreviation tells the two 02:30s apart
    { at: '2026-10-25T00:30:00Z', zone: 'Europe/Berlin', expected: '25 Oct 2026, 02:30 CEST' },
    { at: '2026-10-25T01:30:00Z', zone: 'Europe/Berlin', expected: '25 Oct 2026, 02:30 CET' },
    { at: '2026-11-22T23:59:00Z', zone: 'UTC', expected: '22 Nov 2026, 23:59 UTC' },
  ])('$at in $zone → $expected', ({ at, zone, expected }) => {
    expect(formatPanelTime(new Date(at), zone)).toBe(expected);
  });
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

describe('formatClockTime', () => {
  it('writes the time of day in the zone, 24-hour, with seconds, beside a date-time of the same zone', () => {
    const at = new Date('2026-11-22T13:05:03Z');
    expect(formatClockTime(at, 'Europe/Berlin')).toBe('14:05:03');
    // Both forms of one zone are cached apart: neither may take the other's shape.
    expect(formatPanelTime(at, 'Europe/Berlin')).toBe('22 Nov 2026, 14:05 CET');
    expect(formatClockTime(at, 'UTC')).toBe('13:05:03');
  });
});
