import { validateForm } from '../../forms/form-validation';
import { webhookUrlProblem } from '../webhook/webhook-url.rule';
import { scheduleFieldProblem, UpdateScheduleDto } from './update-schedule.dto';

const VALID = {
  enabled: 'true',
  frequencyKind: 'hours',
  everyHours: '6',
  dailyAt: '03:30',
  weeklyDay: 'mon',
  weeklyAt: '03:30',
  cron: '',
  retentionDays: '7',
  keepMin: '3',
  tiersEnabled: 'false',
  tierHourly: '24',
  tierDaily: '7',
  tierWeekly: '4',
  tierMonthly: '6',
};

const check = (fields: Record<string, string>) => validateForm(UpdateScheduleDto, { ...VALID, ...fields });

describe('UpdateScheduleDto', () => {
  it('accepts the defaults and turns the numbers into numbers', () => {
    const result = check({});
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.value).toMatchObject({ enabled: 'true', retentionDays: 7, keepMin: 3 });
  });

  it('reads keywords in any case and ignores the parts of other frequency kinds', () => {
    expect(
      check({ enabled: ' FALSE ', frequencyKind: 'Daily', everyHours: 'junk', cron: '* * * * *' }).ok,
    ).toBe(true);
    expect(check({ frequencyKind: 'weekly', weeklyDay: 'FRI', weeklyAt: '7:05', dailyAt: '99:99' }).ok).toBe(
      true,
    );
    expect(check({ frequencyKind: 'cron', cron: '  0  */4 * * *  ' }).ok).toBe(true);
  });

  it.each([
    [{ retentionDays: '' }, 'retentionDays', 'Enter a whole number from 1 to 365.'],
    [{ retentionDays: '365' }, null, null],
    [{ retentionDays: '1e2' }, 'retentionDays', 'Enter a whole number from 1 to 365.'],
    [{ retentionDays: '1234567890123456789' }, 'retentionDays', 'Enter a whole number from 1 to 365.'],
    [{ keepMin: '1000' }, null, null],
    [{ keepMin: '1001' }, 'keepMin', 'Enter a whole number from 1 to 1000.'],
    [
      { everyHours: '7' },
      'everyHours',
      'Every 7 hours does not fit the day evenly. Use 1h, 2h, 3h, 4h, 6h, 8h or 12h.',
    ],
    [{ everyHours: 'six' }, 'everyHours', 'Choose every 1, 2, 3, 4, 6, 8 or 12 hours.'],
    [
      { frequencyKind: 'daily', dailyAt: '24:00' },
      'dailyAt',
      '"24:00" is not a time of day. Write HH:MM in 24-hour form, e.g. 03:30.',
    ],
    [
      { frequencyKind: 'daily', dailyAt: '03:30@x' },
      'dailyAt',
      'Write the time as HH:MM in 24-hour form, e.g. 03:30.',
    ],
    [
      { frequencyKind: 'weekly', weeklyDay: 'mon@03:30' },
      'weeklyDay',
      'Choose a day: mon, tue, wed, thu, fri, sat or sun.',
    ],
    [
      { frequencyKind: 'weekly', weeklyDay: 'funday' },
      'weeklyDay',
      '"funday" is not a day. Use mon, tue, wed, thu, fri, sat or sun.',
    ],
    [
      { frequencyKind: 'cron', cron: '*/30 * * * *' },
      'cron',
      expect.stringContaining('runs 2 times an hour'),
    ],
    [
      { frequencyKind: 'cron', cron: '0 '.repeat(100) },
      'cron',
      'A cron expression has at most 190 characters.',
    ],
    [{ frequencyKind: '' }, 'frequencyKind', expect.stringContaining('Choose how often')],
    [{ tiersEnabled: 'true', tierDaily: '367' }, 'tierDaily', 'Enter a whole number from 0 to 366.'],
    [{ tiersEnabled: 'true', tierWeekly: 'x' }, 'tierWeekly', 'Enter a whole number from 0 to 260.'],
    [
      { tiersEnabled: 'true', tierHourly: '0', tierDaily: '0', tierWeekly: '0', tierMonthly: '0' },
      'tiersEnabled',
      'Keep at least one tier above 0, or turn the tiered policy off.',
    ],
    [{ tiersEnabled: 'false', tierHourly: 'junk' }, null, null],
    // The single webhook is a notification channel now: an old form that still sends it is refused whole.
    [{ webhookUrl: 'https://example.com/hook' }, 'webhookUrl', 'is not a field of this form'],
  ])('%j → %s', (fields, field, message) => {
    const result = check(fields as Record<string, string>);
    if (field === null) {
      expect(result).toMatchObject({ ok: true });
      return;
    }
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.errors[field]).toEqual(message);
      // The values come back as typed, to be shown in the form again.
      for (const [k, v] of Object.entries(fields)) expect(result.values[k]).toBe(v);
    }
  });

  it('refuses fields it does not have', () => {
    const result = validateForm(UpdateScheduleDto, { ...VALID, colour: 'red' });
    expect(result).toMatchObject({ ok: false, errors: { colour: 'is not a field of this form' } });
  });
});

describe('scheduleFieldProblem / webhookUrlProblem', () => {
  it('uses the schedule domain messages', () => {
    expect(scheduleFieldProblem('12', 'everyHours')).toBeNull();
    expect(scheduleFieldProblem('3:05', 'time')).toBeNull();
    expect(scheduleFieldProblem('sun', 'weekday')).toBeNull();
    expect(scheduleFieldProblem(undefined, 'cron')).toBe(
      'Enter a cron expression with 5 fields, e.g. "0 */4 * * *".',
    );
    expect(scheduleFieldProblem('0 3 * * 1-5', 'cron')).toBeNull();
  });

  it('accepts http(s) addresses without credentials or markup', () => {
    expect(webhookUrlProblem('http://10.0.0.5:8080/notify')).toBeNull();
    expect(webhookUrlProblem('https://a:b@example.com/')).toContain('Leave the user name and password out');
    expect(webhookUrlProblem('https://example.com/<b>')).toContain('characters such as');
    expect(webhookUrlProblem('https://example.com/' + 'x'.repeat(2000))).toBe(
      'A webhook address has at most 2000 characters.',
    );
  });
});
