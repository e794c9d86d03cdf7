import { CronTime } from 'cron';
import { forEachWallClockRun, readCronCalendar } from './cron-calendar';

describe('readCronCalendar', () => {
  // Pins what we read from cron's internals (its toJSON() reports "0-5" as "*"): an upgrade that changes
  // them fails here rather than silently changing validation or runs-per-day figures.
  it.each([
    ['0 3 * * 0-5', 'daysOfWeek', [0, 1, 2, 3, 4, 5]],
    ['0 3 * * 7', 'daysOfWeek', [0]],
    ['0-58 * * * *', 'minutes', Array.from({ length: 59 }, (_, i) => i)],
    ['5/15 * * * *', 'minutes', [5, 20, 35, 50]],
    ['0 */4 * * *', 'hours', [0, 4, 8, 12, 16, 20]],
    ['30 1-23/6 * * *', 'hours', [1, 7, 13, 19]],
    ['30 3 * * *', 'seconds', [0]],
    ['0 0 3 * * *', 'hours', [3]],
    ['0 3 1,15 jan,jul *', 'months', [1, 7]],
  ] as const)('%s → %s %j', (expression, field, expected) => {
    expect([...readCronCalendar(expression)[field]]).toEqual(expected);
  });

  it('throws the library error for garbage', () => {
    expect(() => readCronCalendar('not a cron')).toThrow();
  });
});

describe('forEachWallClockRun agrees with cron itself (in UTC, where wall clock and real time coincide)', () => {
  // cron refuses to look further than 8 years from the real now, hence only two leap days.
  it.each([
    ['30 3 * * 1-5', 12],
    ['0 3 1,15 * 1', 12],
    ['0 */6 * * *', 12],
    ['0 3 29 2 *', 2],
    ['15 4 31 * *', 12],
    ['0 12 * 2 sun', 12],
  ])('%s', (expression, count) => {
    const from = Date.UTC(2025, 0, 1);
    const ours: number[] = [];
    forEachWallClockRun(readCronCalendar(expression), from, from + 9 * 366 * 86_400_000, (wallMs) => {
      ours.push(wallMs);
      return ours.length < count;
    });

    const cronTime = new CronTime(expression, 'UTC');
    const theirs: number[] = [];
    let cursor = new Date(from - 1000);
    while (theirs.length < count) {
      cursor = cronTime.getNextDateFrom(cursor, 'UTC').toJSDate();
      theirs.push(cursor.getTime());
    }
    expect(ours.map((ms) => new Date(ms).toISOString())).toEqual(
      theirs.map((ms) => new Date(ms).toISOString()),
    );
  });
});
