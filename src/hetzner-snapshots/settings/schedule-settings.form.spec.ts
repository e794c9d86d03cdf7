import { validateForm } from '../../forms/form-validation';
import {
  diffSchedule,
  formatTiers,
  formToSchedule,
  mergeScheduleFlags,
  KEEP_STORED_TIERS,
  rowToSchedule,
  ScheduleColumns,
  scheduleToColumns,
  scheduleToForm,
} from './schedule-settings.form';
import { UpdateScheduleDto } from './update-schedule.dto';

const DEFAULT_ROW: ScheduleColumns = {
  scheduleEnabled: false,
  frequency: '6h',
  retentionDays: 7,
  keepMin: 3,
  retentionTiers: null,
};

/** Row → form → DTO → row: what the page shows and posts back unchanged is stored unchanged. */
function roundTrip(row: ScheduleColumns): ScheduleColumns {
  const form = validateForm(UpdateScheduleDto, scheduleToForm(rowToSchedule(row)));
  if (!form.ok) throw new Error(JSON.stringify(form.errors));
  return scheduleToColumns(formToSchedule(form.value), row.retentionTiers);
}

describe('schedule settings conversions', () => {
  it.each([
    DEFAULT_ROW,
    { ...DEFAULT_ROW, scheduleEnabled: true, frequency: '1h' },
    {
      ...DEFAULT_ROW,
      frequency: 'daily@03:30',
      retentionTiers: JSON.stringify({ hourly: 24, daily: 7, weekly: 4, monthly: 6 }),
    },
    { ...DEFAULT_ROW, frequency: 'weekly@sun@23:59' },
    { ...DEFAULT_ROW, frequency: 'weekly@mon@00:00', keepMin: 1000, retentionDays: 365 },
    { ...DEFAULT_ROW, frequency: 'cron:0 3 * * 1-5' },
  ])('round-trips %j through the form', (row) => {
    expect(roundTrip(row)).toEqual(row);
  });

  it('suggests tiers in the form while the tiered policy is off', () => {
    expect(scheduleToForm(rowToSchedule(DEFAULT_ROW))).toMatchObject({
      tiersEnabled: 'false',
      tierHourly: '24',
      tierDaily: '7',
      tierWeekly: '4',
      tierMonthly: '6',
      cron: '',
    });
  });

  it('reads unusable stored tiers as "as stored", never as off, and writes them back untouched', () => {
    for (const text of ['{"hourly":1}', 'not json', '{"hourly":1,"daily":2,"weekly":-1,"monthly":0}']) {
      const row = { ...DEFAULT_ROW, retentionTiers: text };
      const schedule = rowToSchedule(row);
      expect(schedule.tiers).toBe(KEEP_STORED_TIERS);
      expect(scheduleToForm(schedule).tiersEnabled).toBe('stored');
      expect(roundTrip(row)).toEqual(row);
    }
    const usable = rowToSchedule({
      ...DEFAULT_ROW,
      retentionTiers: '{"hourly":1,"daily":2,"weekly":3,"monthly":0}',
    });
    expect(formatTiers(usable.tiers)).toBe('hourly=1,daily=2,weekly=3,monthly=0');
  });

  it('records what unusable tiers were when a save replaces them', () => {
    const before = { ...DEFAULT_ROW, retentionTiers: '{"hourly":"x"}' };
    expect(diffSchedule(before, { ...DEFAULT_ROW, retentionTiers: null })).toEqual([
      { field: 'retentionTiers', from: 'unusable: {"hourly":"x"}', to: 'off' },
    ]);
    expect(diffSchedule(before, { ...before })).toEqual([]);
  });

  it('lists each changed column with values as an admin reads them', () => {
    const after: ScheduleColumns = {
      ...DEFAULT_ROW,
      scheduleEnabled: true,
      frequency: 'daily@03:30',
      retentionTiers: '{"hourly":0,"daily":7,"weekly":0,"monthly":0}',
    };
    expect(diffSchedule(DEFAULT_ROW, after)).toEqual([
      { field: 'scheduleEnabled', from: 'off', to: 'on' },
      { field: 'frequency', from: '6h', to: 'daily@03:30' },
      { field: 'retentionTiers', from: 'off', to: 'hourly=0,daily=7,weekly=0,monthly=0' },
    ]);
    expect(diffSchedule(DEFAULT_ROW, { ...DEFAULT_ROW })).toEqual([]);
  });
});

describe('mergeScheduleFlags', () => {
  const current = scheduleToForm(rowToSchedule(DEFAULT_ROW));

  it.each([
    [{ frequency: '12h' }, { frequencyKind: 'hours', everyHours: '12' }],
    [{ frequency: 'DAILY@4:05' }, { frequencyKind: 'daily', dailyAt: '4:05' }],
    [{ frequency: 'weekly@fri@22:05' }, { frequencyKind: 'weekly', weeklyDay: 'fri', weeklyAt: '22:05' }],
    [{ frequency: 'cron:0 */4 * * *' }, { frequencyKind: 'cron', cron: '0 */4 * * *' }],
    [{ cron: '0 */4 * * *' }, { frequencyKind: 'cron', cron: '0 */4 * * *' }],
    [
      { tiers: 'hourly=24, monthly=6' },
      { tiersEnabled: 'true', tierHourly: '24', tierDaily: '0', tierWeekly: '0', tierMonthly: '6' },
    ],
    [{ tiers: 'OFF' }, { tiersEnabled: 'false' }],
    [
      { enabled: 'true', 'retention-days': '30', 'keep-min': '2' },
      { enabled: 'true', retentionDays: '30', keepMin: '2' },
    ],
  ])('%j', (flags, expected) => {
    const result = mergeScheduleFlags(current, flags);
    expect(result).toEqual({ ok: true, values: { ...current, ...expected } });
  });

  it.each([
    [{ frequency: 'sometimes' }, 'frequency', '"sometimes" is not a frequency.'],
    [{ frequency: '6h', cron: '0 * * * *' }, 'cron', 'Give either --frequency or --cron, not both.'],
    [{ tiers: 'hourly' }, 'tiers', '"hourly" is not a tier.'],
    [{ tiers: 'daily=1,daily=2' }, 'tiers', 'daily is given twice.'],
  ])('refuses the syntax of %j', (flags, flag, message) => {
    const result = mergeScheduleFlags(current, flags);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors[flag as keyof typeof result.errors]).toContain(message);
  });

  it('leaves values to the DTO: a bad time passes the merge and fails validation', () => {
    const merged = mergeScheduleFlags(current, { frequency: 'daily@25:00' });
    expect(merged.ok).toBe(true);
    if (merged.ok)
      expect(validateForm(UpdateScheduleDto, merged.values)).toMatchObject({
        ok: false,
        errors: { dailyAt: expect.stringContaining('"25:00" is not a time of day') },
      });
  });
});
