import { thrownBy } from './schedule-input.testing';
import { periodMs } from './schedule-period';
import { parseFrequency } from './snapshot-schedule';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const BERLIN = 'Europe/Berlin';

describe('periodMs (longest real gap between two runs)', () => {
  it.each<[string, string, number]>([
    ['6h', 'UTC', 6 * HOUR],
    ['6h', BERLIN, 7 * HOUR], // 00:00 CEST → 06:00 CET on the October switch
    ['1h', BERLIN, HOUR], // the repeated hour runs twice, so no gap grows
    ['2h', BERLIN, 3 * HOUR],
    ['daily@03:30', 'UTC', DAY],
    ['daily@03:30', BERLIN, 25 * HOUR],
    ['daily@03:30', 'Asia/Kolkata', DAY], // no daylight saving
    ['daily@03:30', 'Australia/Lord_Howe', DAY + HOUR / 2], // a half-hour switch
    ['weekly@mon@03:30', 'UTC', 7 * DAY],
    ['cron:30 3 * * 1-5', 'UTC', 3 * DAY], // Friday → Monday
    ['cron:30 3 * * 1-5', BERLIN, 3 * DAY + HOUR],
    ['cron:0 3 1 * *', 'UTC', 31 * DAY],
  ])('%s in %s', (text, timeZone, expected) => {
    expect(periodMs(parseFrequency(text), timeZone)).toBe(expected);
  });

  it('refuses an unknown zone', () => {
    expect(thrownBy(() => periodMs({ kind: 'hours', every: 6 }, 'Europe/Atlantis')).code).toBe(
      'bad_time_zone',
    );
  });
});
