import {
  formatClockTime,
  formatDay,
  formatInstant,
  formatPanelTime,
  formatRunTime,
  formatStamp,
} from './panel-time.format';

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

describe('formatClockTime', () => {
  it('writes the time of day in the zone, 24-hour, with seconds, beside a date-time of the same zone', () => {
    const at = new Date('2026-11-22T13:05:03Z');
    expect(formatClockTime(at, 'Europe/Berlin')).toBe('14:05:03');
    // Both forms of one zone are cached apart: neither may take the other's shape.
    expect(formatPanelTime(at, 'Europe/Berlin')).toBe('22 Nov 2026, 14:05 CET');
    expect(formatClockTime(at, 'UTC')).toBe('13:05:03');
  });
});

describe('formatRunTime and formatStamp', () => {
  it('write a run with its weekday, and a sortable stamp with the zone', () => {
    const at = new Date('2026-11-22T13:05:03Z');
    expect(formatRunTime(at, 'Europe/Berlin')).toBe('Sun 22 Nov, 14:05 CET');
    expect(formatStamp(at, 'Europe/Berlin')).toBe('2026-11-22 14:05 (Europe/Berlin)');
    expect(formatStamp(at, 'UTC')).toBe('2026-11-22 13:05 (UTC)');
  });
});

describe('formatInstant and formatDay', () => {
  it('formats instants in the server zone with the zone named', () => {
    expect(formatInstant(new Date('2026-01-15T02:30:00Z'), 'Europe/Berlin')).toBe(
      'Thu, 15 Jan 2026, 03:30 CET',
    );
    expect(formatInstant(new Date('2026-07-15T01:30:00Z'), 'Europe/Berlin')).toBe(
      'Wed, 15 Jul 2026, 03:30 CEST',
    );
    expect(formatInstant(new Date('2026-07-15T01:30:00Z'), 'UTC')).toBe('Wed, 15 Jul 2026, 01:30 UTC');
  });

  it('writes a day alone in the zone, where the date may differ from UTC', () => {
    expect(formatDay(new Date('2026-12-02T23:30:00Z'), 'Europe/Berlin')).toBe('3 Dec');
    expect(formatDay(new Date('2026-12-02T23:30:00Z'), 'UTC')).toBe('2 Dec');
    // Cached apart from the other forms of the same zone.
    expect(formatInstant(new Date('2026-12-02T23:30:00Z'), 'UTC')).toBe('Wed, 2 Dec 2026, 23:30 UTC');
  });
});
