import { CronTime } from 'cron';
import { DateTime } from 'luxon';
import { thrownBy } from './schedule-input.testing';
import {
  describeFrequency,
  formatFrequency,
  nextRuns,
  parseFrequency,
  runsPerDay,
  toCronExpression,
  validateCron,
  type FrequencyPreset,
} from './snapshot-schedule';

const BERLIN = 'Europe/Berlin';

const iso = (dates: Date[]) => dates.map((date) => date.toISOString());

describe('parseFrequency', () => {
  it.each<[string, FrequencyPreset]>([
    ['6h', { kind: 'hours', every: 6 }],
    ['1h', { kind: 'hours', every: 1 }],
    ['12H', { kind: 'hours', every: 12 }],
    ['  2h  ', { kind: 'hours', every: 2 }],
    ['daily@03:30', { kind: 'daily', at: '03:30' }],
    ['daily@3:30', { kind: 'daily', at: '03:30' }],
    ['DAILY@23:59', { kind: 'daily', at: '23:59' }],
    ['weekly@mon@03:30', { kind: 'weekly', day: 1, at: '03:30' }],
    ['weekly@SUN@00:00', { kind: 'weekly', day: 0, at: '00:00' }],
    ['weekly@sat@7:05', { kind: 'weekly', day: 6, at: '07:05' }],
    ['cron:0 */4 * * *', { kind: 'cron', expression: '0 */4 * * *' }],
    ['cron:  30   3 * * 1-5 ', { kind: 'cron', expression: '30 3 * * 1-5' }],
    ['cron:0 0 3 * * *', { kind: 'cron', expression: '0 0 3 * * *' }],
  ])('%j → %j', (text, expected) => {
    expect(parseFrequency(text)).toEqual(expected);
  });

  it.each([
    // [input, code, words the message must name so the admin knows what to type instead]
    ['', 'unknown_format', ['6h', 'daily@03:30', 'weekly@mon@03:30', 'cron:']],
    ['hourly', 'unknown_format', ['6h', 'daily@03:30', 'weekly@mon@03:30', 'cron:']],
    ['weekly@mon', 'unknown_format', ['weekly@mon@03:30']],
    ['5h', 'bad_hours', ['1h, 2h, 3h, 4h, 6h, 8h or 12h']],
    ['0h', 'bad_hours', ['1h, 2h, 3h, 4h, 6h, 8h or 12h']],
    ['24h', 'bad_hours', ['1h, 2h, 3h, 4h, 6h, 8h or 12h']],
    ['daily@25:00', 'bad_time', ['HH:MM', '03:30']],
    ['daily@03:60', 'bad_time', ['HH:MM']],
    ['daily@0330', 'bad_time', ['HH:MM']],
    ['daily@', 'bad_time', ['HH:MM']],
    ['weekly@monday@03:30', 'bad_day', ['mon, tue, wed, thu, fri, sat or sun']],
    ['weekly@mon@3', 'bad_time', ['HH:MM']],
    ['cron:* * * * *', 'too_frequent', ['at most once per hour']],
    ['cron:nonsense', 'invalid_cron', ['minute hour day-of-month month day-of-week']],
    ['cron:0 3 31 2 *', 'never_runs', ['never runs']],
    ['cron:0 0 29 2 *', 'too_rare', ['at least 3 times in 8 years', '0 0 28 2 *']],
  ] as const)('%j is refused with %s', (text, code, named) => {
    const error = thrownBy(() => parseFrequency(text));
    expect(error.code).toBe(code);
    for (const words of named) expect(error.message).toContain(words);
  });
});

describe('formatFrequency', () => {
  it.each([
    '1h',
    '6h',
    '12h',
    'daily@03:30',
    'daily@00:00',
    'weekly@mon@03:30',
    'weekly@sun@23:59',
    'cron:0 */4 * * *',
  ])('round trip of %j', (text) => {
    const preset = parseFrequency(text);
    expect(formatFrequency(preset)).toBe(text);
    expect(parseFrequency(formatFrequency(preset))).toEqual(preset);
  });

  it.each<[FrequencyPreset, string]>([
    [{ kind: 'hours', every: 5 as never }, 'bad_hours'],
    [{ kind: 'daily', at: '3:30' }, 'bad_time'],
    [{ kind: 'weekly', day: 7 as never, at: '03:30' }, 'bad_day'],
    [{ kind: 'cron', expression: '*/5 * * * *' }, 'too_frequent'],
    [{ kind: 'yearly' } as never, 'unknown_format'],
  ])('refuses a preset that did not come from parseFrequency: %j', (preset, code) => {
    expect(thrownBy(() => formatFrequency(preset)).code).toBe(code);
  });
});

describe('validateCron', () => {
  it.each([
    '0 * * * *',
    '30 3 * * *',
    '0 */4 * * *',
    '15 2 * * 1-5',
    '0 0 3 * * *', // @nestjs/schedule's CronExpression style: a single-valued seconds field
    '@daily',
    '@hourly',
    '5 4 * * sun',
    '0 3 1,15 * *',
    '0 3 28 2 *', // once a year: 8 runs in 8 years
    '0 3 29 2 1', // leap day or any Monday (cron ORs the two day fields)
  ])('accepts %j', (expression) => {
    expect(validateCron(expression)).toEqual({ ok: true });
  });

  it.each([
    ['* * * * *', 'too_frequent'],
    ['*/15 * * * *', 'too_frequent'],
    ['0,30 * * * *', 'too_frequent'],
    ['* * * * * *', 'too_frequent'],
    ['*/10 0 3 * * *', 'too_frequent'],
    ['@minutely', 'too_frequent'],
    ['', 'invalid_cron'],
    ['garbage', 'invalid_cron'],
    ['0 3 * *', 'invalid_cron'],
    ['0 0 3 * * * *', 'invalid_cron'],
    ['61 * * * *', 'invalid_cron'],
    ['0 25 * * *', 'invalid_cron'],
    ['0 3 * * 8', 'invalid_cron'],
    ['0 3 * * funday', 'invalid_cron'],
    ['0 3 31 2 *', 'never_runs'],
    ['0 3 30 2 *', 'never_runs'],
    // Leap days only: 2 runs in 8 years at most, and cron finds none beyond 8 years from now.
    ['0 3 29 2 *', 'too_rare'],
    ['0 0 29 2 *', 'too_rare'],
    ['0 0 0 29 2 *', 'too_rare'],
  ])('refuses %j (%s)', (expression, code) => {
    const result = validateCron(expression);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.code).toBe(code);
      expect(result.message.length).toBeGreaterThan(20);
    }
  });

  it('explains the hourly limit and shows what would work', () => {
    const result = validateCron('*/15 * * * *');
    expect(result).toMatchObject({ ok: false, message: expect.stringContaining('runs 4 times an hour') });
    expect(result).toMatchObject({ message: expect.stringContaining('"0 */2 * * *"') });
  });
});

describe('toCronExpression', () => {
  it.each<[FrequencyPreset, number, string]>([
    [{ kind: 'hours', every: 6 }, 0, '0 */6 * * *'],
    [{ kind: 'hours', every: 6 }, 17, '17 */6 * * *'],
    [{ kind: 'hours', every: 6 }, 90, '30 1-23/6 * * *'],
    [{ kind: 'hours', every: 1 }, 45, '45 * * * *'],
    [{ kind: 'hours', every: 12 }, 719, '59 11-23/12 * * *'],
    [{ kind: 'daily', at: '03:30' }, 0, '30 3 * * *'],
    [{ kind: 'daily', at: '03:30' }, 17, '30 3 * * *'], // the admin chose the time: no offset
    [{ kind: 'weekly', day: 1, at: '03:30' }, 0, '30 3 * * 1'],
    [{ kind: 'weekly', day: 0, at: '00:05' }, 0, '5 0 * * 0'],
    [{ kind: 'cron', expression: '0 */4 * * *' }, 17, '0 */4 * * *'],
  ])('%j with offset %d → %j', (preset, offset, expected) => {
    const expression = toCronExpression(preset, offset);
    expect(expression).toBe(expected);
    expect(validateCron(expression)).toEqual({ ok: true });
  });

  it('spreads an every-6-hours schedule over the hours it names', () => {
    const runs = nextRuns(toCronExpression({ kind: 'hours', every: 6 }, 90), {
      timeZone: 'UTC',
      from: new Date('2025-05-01T00:00:00Z'),
      count: 4,
    });
    expect(iso(runs)).toEqual([
      '2025-05-01T01:30:00.000Z',
      '2025-05-01T07:30:00.000Z',
      '2025-05-01T13:30:00.000Z',
      '2025-05-01T19:30:00.000Z',
    ]);
  });

  it.each([360, -1, 1.5])('refuses offset %d for every 6 hours', (offset) => {
    expect(thrownBy(() => toCronExpression({ kind: 'hours', every: 6 }, offset)).code).toBe('bad_offset');
  });
});

describe('nextRuns', () => {
  it.each([
    // [what, expression, zone, from, the next 3 runs]
    [
      'daily 02:30, Berlin, March switch: the skipped 02:30 runs at 03:00, not never',
      '30 2 * * *',
      BERLIN,
      '2025-03-28T12:00:00Z',
      ['2025-03-29T01:30:00.000Z', '2025-03-30T01:00:00.000Z', '2025-03-31T00:30:00.000Z'],
    ],
    [
      'daily 02:30, Berlin, October switch: the repeated 02:30 runs once',
      '30 2 * * *',
      BERLIN,
      '2025-10-24T12:00:00Z',
      ['2025-10-25T00:30:00.000Z', '2025-10-26T00:30:00.000Z', '2025-10-27T01:30:00.000Z'],
    ],
    [
      'daily 03:30, Berlin, March switch',
      '30 3 * * *',
      BERLIN,
      '2025-03-28T12:00:00Z',
      ['2025-03-29T02:30:00.000Z', '2025-03-30T01:30:00.000Z', '2025-03-31T01:30:00.000Z'],
    ],
    [
      'daily 03:30, Berlin, October switch',
      '30 3 * * *',
      BERLIN,
      '2025-10-24T12:00:00Z',
      ['2025-10-25T01:30:00.000Z', '2025-10-26T02:30:00.000Z', '2025-10-27T02:30:00.000Z'],
    ],
    [
      'hourly, Berlin, March switch: 01:00, then 03:00 CEST an hour later',
      '0 * * * *',
      BERLIN,
      '2025-03-29T23:30:00Z',
      ['2025-03-30T00:00:00.000Z', '2025-03-30T01:00:00.000Z', '2025-03-30T02:00:00.000Z'],
    ],
    [
      'hourly, Berlin, October switch: both copies of 02:00 run, one hour apart',
      '0 * * * *',
      BERLIN,
      '2025-10-25T23:30:00Z',
      ['2025-10-26T00:00:00.000Z', '2025-10-26T01:00:00.000Z', '2025-10-26T02:00:00.000Z'],
    ],
    [
      'hourly at :30, Berlin, March switch: the skipped 02:30 runs at 03:00, half an hour before 03:30',
      '30 * * * *',
      BERLIN,
      '2025-03-30T00:00:00Z',
      ['2025-03-30T00:30:00.000Z', '2025-03-30T01:00:00.000Z', '2025-03-30T01:30:00.000Z'],
    ],
    [
      'every 6 hours, Berlin, October switch: the gap over the switch is 7 hours',
      '0 */6 * * *',
      BERLIN,
      '2025-10-25T20:00:00Z',
      ['2025-10-25T22:00:00.000Z', '2025-10-26T05:00:00.000Z', '2025-10-26T11:00:00.000Z'],
    ],
    [
      'weekly Sunday 02:30, Berlin, March switch (a Sunday)',
      '30 2 * * 0',
      BERLIN,
      '2025-03-25T00:00:00Z',
      ['2025-03-30T01:00:00.000Z', '2025-04-06T00:30:00.000Z', '2025-04-13T00:30:00.000Z'],
    ],
    [
      'daily 03:30, UTC: no switches',
      '30 3 * * *',
      'UTC',
      '2025-03-29T00:00:00Z',
      ['2025-03-29T03:30:00.000Z', '2025-03-30T03:30:00.000Z', '2025-03-31T03:30:00.000Z'],
    ],
    [
      'strictly after from: a run at exactly `from` is not repeated',
      '30 3 * * *',
      'UTC',
      '2025-01-01T03:30:00Z',
      ['2025-01-02T03:30:00.000Z', '2025-01-03T03:30:00.000Z', '2025-01-04T03:30:00.000Z'],
    ],
    [
      'weekly Monday 03:30 at a +05:30 zone',
      '30 3 * * 1',
      'Asia/Kolkata',
      '2025-01-01T00:00:00Z',
      ['2025-01-05T22:00:00.000Z', '2025-01-12T22:00:00.000Z', '2025-01-19T22:00:00.000Z'],
    ],
  ])('%s', (_what, expression, timeZone, from, expected) => {
    expect(iso(nextRuns(expression, { timeZone, from: new Date(from), count: 3 }))).toEqual(expected);
  });

  it.each([
    ['March', '2025-03-25T00:00:00Z'],
    ['October', '2025-10-21T00:00:00Z'],
  ])(
    'a daily schedule in Berlin runs exactly once on each local day around the %s switch',
    (_month, from) => {
      for (const at of ['00:30', '02:00', '02:30', '02:59', '03:00', '23:30']) {
        const expression = toCronExpression({ kind: 'daily', at });
        const runs = nextRuns(expression, { timeZone: BERLIN, from: new Date(from), count: 10 });
        const localDays = runs.map((run) => DateTime.fromJSDate(run, { zone: BERLIN }).toISODate());
        const firstDay = DateTime.fromISO(localDays[0]!, { zone: 'UTC' });
        const consecutiveDays = localDays.map((_, i) => firstDay.plus({ days: i }).toISODate());
        expect({ at, localDays }).toEqual({ at, localDays: consecutiveDays });
      }
    },
  );

  it("filters cron 4.4's phantom run: CronTime fires a daily 03:30 at 02:30 CET too on the autumn switch", () => {
    // If this starts failing, cron fixed the bug and the filter in nextRuns may go.
    const cronTime = new CronTime('30 3 * * *', BERLIN);
    const fromCron = cronTime.getNextDateFrom(new Date('2025-10-25T12:00:00Z'), BERLIN).toJSDate();
    expect(fromCron.toISOString()).toBe('2025-10-26T01:30:00.000Z');
    const ours = nextRuns('30 3 * * *', {
      timeZone: BERLIN,
      from: new Date('2025-10-25T12:00:00Z'),
      count: 1,
    });
    expect(iso(ours)).toEqual(['2025-10-26T02:30:00.000Z']);
  });

  it("lists only the runs within cron's 8-year horizon instead of throwing (a schedule stored before it was refused)", () => {
    const runs = nextRuns('0 0 29 2 *', { timeZone: 'UTC', from: new Date(), count: 3 });
    expect(runs.length).toBeLessThan(3);
    for (const run of runs) expect(run.getUTCDate()).toBe(29);
  });

  it.each([
    [
      'an unknown zone',
      () => nextRuns('0 3 * * *', { timeZone: 'Mars/Olympus', from: new Date(), count: 3 }),
      'bad_time_zone',
    ],
    ['garbage', () => nextRuns('nope', { timeZone: 'UTC', from: new Date(), count: 3 }), 'invalid_cron'],
    [
      'a negative count',
      () => nextRuns('0 3 * * *', { timeZone: 'UTC', from: new Date(), count: -1 }),
      'bad_count',
    ],
  ])('refuses %s', (_what, action, code) => {
    expect(thrownBy(action).code).toBe(code);
  });
});

describe('describeFrequency', () => {
  it.each<[FrequencyPreset, string]>([
    [{ kind: 'hours', every: 1 }, 'every hour'],
    [{ kind: 'hours', every: 6 }, 'every 6 hours'],
    [{ kind: 'daily', at: '03:30' }, 'daily at 03:30'],
    [{ kind: 'weekly', day: 1, at: '03:30' }, 'weekly on Monday at 03:30'],
    [{ kind: 'weekly', day: 0, at: '22:00' }, 'weekly on Sunday at 22:00'],
    [{ kind: 'cron', expression: '0 */4 * * *' }, 'custom: 0 */4 * * *'],
  ])('%j → %j', (preset, expected) => {
    expect(describeFrequency(preset)).toBe(expected);
  });
});

describe('runsPerDay', () => {
  it.each<[string, string, number]>([
    ['6h', BERLIN, 4],
    ['1h', 'UTC', 24],
    ['daily@03:30', BERLIN, 1],
    ['weekly@mon@03:30', BERLIN, 1 / 7],
    ['cron:0 */4 * * *', BERLIN, 6],
    ['cron:@hourly', 'UTC', 24],
    ['cron:30 3 * * 1-5', 'UTC', 261 / 365], // the reference year 2025 has 261 weekdays
    ['cron:0 3 1 * *', 'UTC', 12 / 365],
  ])('%s in %s → %d', (text, timeZone, expected) => {
    expect(runsPerDay(parseFrequency(text), timeZone)).toBeCloseTo(expected, 10);
  });
});
