// When automatic snapshots run: the admin's frequency (presets or a cron expression), its text form for
// forms, the CLI and the settings row, the cron expression handed to the scheduler, and the arithmetic
// around it (next runs across clock changes, runs per day, longest gap). Pure: no I/O, the clock passed in.
import { CronTime } from 'cron';
import { IANAZone } from 'luxon';
import {
  matchesWallClock,
  measureWallClockRuns,
  readCronCalendar,
  REFERENCE_YEAR_DAYS,
  type CronCalendar,
} from './cron-calendar';
import { ScheduleInputError, type ScheduleInputErrorCode } from './schedule-input.error';

export type HourStep = 1 | 2 | 3 | 4 | 6 | 8 | 12;
export type Weekday = 0 | 1 | 2 | 3 | 4 | 5 | 6;

export type FrequencyPreset =
  | { kind: 'hours'; every: HourStep }
  | { kind: 'daily'; at: string /* HH:MM */ }
  | { kind: 'weekly'; day: Weekday /* 0 = Sunday */; at: string }
  | { kind: 'cron'; expression: string };

export type CronValidation = { ok: true } | { ok: false; code: ScheduleInputErrorCode; message: string };

// Steps that divide the day evenly, so "every N hours" means the same hours every day.
export const HOUR_STEPS: readonly HourStep[] = [1, 2, 3, 4, 6, 8, 12];
const DAY_KEYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
const DAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'] as const;

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const MAX_NEXT_RUNS = 1000;
/**
 * cron 4.4 finds no run beyond 8 years from now, and the pages list three runs: so a schedule must run at
 * least three times within any 8 years, i.e. never pause for more than a third of that.
 */
const CRON_HORIZON_MS = 8 * 365 * DAY_MS;
export const MIN_RUNS_IN_HORIZON = 3;
const LONGEST_ALLOWED_GAP_MS = Math.floor(CRON_HORIZON_MS / MIN_RUNS_IN_HORIZON);

const ACCEPTED =
  'Accepted: "6h" (every 1, 2, 3, 4, 6, 8 or 12 hours), "daily@03:30", "weekly@mon@03:30" (mon, tue, wed, thu, ' +
  'fri, sat or sun) or "cron:<expression>", e.g. "cron:0 */4 * * *".';
const CRON_FIELDS =
  'A cron expression has 5 fields: minute hour day-of-month month day-of-week, e.g. "30 3 * * *" ' +
  '(a leading seconds field is also accepted).';
const AT_MOST_HOURLY =
  'Snapshots may run at most once per hour: each one takes minutes and the Hetzner API budget is shared. ' +
  'Use a single minute, e.g. "0 */2 * * *".';

/** Reads the form/CLI/settings syntax: '6h' | 'daily@03:30' | 'weekly@mon@03:30' | 'cron:<expression>'. */
export function parseFrequency(text: string): FrequencyPreset {
  const input = text.trim();
  if (input === '') throw new ScheduleInputError('unknown_format', `Enter a schedule. ${ACCEPTED}`);

  const hours = /^(\d+)h$/i.exec(input);
  if (hours) return { kind: 'hours', every: parseHourStep(Number(hours[1])) };

  const daily = /^daily@(.*)$/i.exec(input);
  if (daily) return { kind: 'daily', at: parseTimeOfDay(daily[1]) };

  const weekly = /^weekly@([^@]*)@(.*)$/i.exec(input);
  if (weekly) return { kind: 'weekly', day: parseWeekday(weekly[1]), at: parseTimeOfDay(weekly[2]) };

  const cron = /^cron:(.*)$/is.exec(input);
  if (cron) {
    const expression = cron[1].trim().replace(/\s+/g, ' ');
    assertCron(expression);
    return { kind: 'cron', expression };
  }

  throw new ScheduleInputError('unknown_format', `"${input}" is not a schedule. ${ACCEPTED}`);
}

/** The inverse of parseFrequency: parseFrequency(formatFrequency(p)) deep-equals p. */
export function formatFrequency(preset: FrequencyPreset): string {
  assertValidPreset(preset);
  switch (preset.kind) {
    case 'hours':
      return `${preset.every}h`;
    case 'daily':
      return `daily@${preset.at}`;
    case 'weekly':
      return `weekly@${DAY_KEYS[preset.day]}@${preset.at}`;
    case 'cron':
      return `cron:${preset.expression}`;
  }
}

/**
 * The 5-field expression for @nestjs/schedule / cron's CronTime. `offsetMinutes` (see stableOffsetMinutes)
 * spreads 'hours' presets over their period: minute `offset % 60` past hours `floor(offset / 60)` + k*N.
 * Daily, weekly and cron presets ignore it: there the admin chose the time, and we keep it.
 */
export function toCronExpression(preset: FrequencyPreset, offsetMinutes = 0): string {
  assertValidPreset(preset);
  switch (preset.kind) {
    case 'hours': {
      const periodMinutes = preset.every * 60;
      if (!Number.isInteger(offsetMinutes) || offsetMinutes < 0 || offsetMinutes >= periodMinutes) {
        throw new ScheduleInputError(
          'bad_offset',
          `An offset of ${offsetMinutes} minutes does not fit every ${preset.every} hours; use 0 to ${periodMinutes - 1}.`,
        );
      }
      const minute = offsetMinutes % 60;
      const firstHour = Math.floor(offsetMinutes / 60);
      if (preset.every === 1) return `${minute} * * * *`;
      if (firstHour === 0) return `${minute} */${preset.every} * * *`;
      return `${minute} ${firstHour}-23/${preset.every} * * *`;
    }
    case 'daily': {
      const { hour, minute } = splitTimeOfDay(preset.at);
      return `${minute} ${hour} * * *`;
    }
    case 'weekly': {
      const { hour, minute } = splitTimeOfDay(preset.at);
      return `${minute} ${hour} * * ${preset.day}`;
    }
    case 'cron':
      return preset.expression;
  }
}

/**
 * Accepts 5-field expressions (6 with a single-valued seconds field, as @nestjs/schedule's CronExpression
 * writes them) that run at most once per hour. With a single minute value no two runs of a day share an
 * hour; the one exception is cron's own spring-forward shift (02:30 moved to 03:00 next to a 03:30 run).
 */
export function validateCron(expression: string): CronValidation {
  const trimmed = expression.trim();
  if (trimmed === '') {
    return { ok: false, code: 'invalid_cron', message: `Enter a cron expression. ${CRON_FIELDS}` };
  }

  const fieldCount = trimmed.split(/\s+/).length;
  if (!trimmed.startsWith('@') && fieldCount !== 5 && fieldCount !== 6) {
    const message = `"${trimmed}" has ${fieldCount} field${fieldCount === 1 ? '' : 's'}. ${CRON_FIELDS}`;
    return { ok: false, code: 'invalid_cron', message };
  }

  let calendar: CronCalendar;
  try {
    calendar = readCronCalendar(trimmed);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return {
      ok: false,
      code: 'invalid_cron',
      message: `"${trimmed}" is not a valid cron expression (${reason}). ${CRON_FIELDS}`,
    };
  }

  if (calendar.seconds.length > 1) {
    return {
      ok: false,
      code: 'too_frequent',
      message: `"${trimmed}" runs several times a minute. ${AT_MOST_HOURLY}`,
    };
  }
  if (calendar.minutes.length > 1) {
    const message = `"${trimmed}" runs ${calendar.minutes.length} times an hour. ${AT_MOST_HOURLY}`;
    return { ok: false, code: 'too_frequent', message };
  }
  const measured = measureWallClockRuns(calendar);
  if (measured.totalRuns === 0) {
    return { ok: false, code: 'never_runs', message: `"${trimmed}" never runs: no date matches it.` };
  }
  if (measured.longestGapMs === null || measured.longestGapMs > LONGEST_ALLOWED_GAP_MS) {
    const years =
      measured.longestGapMs === null
        ? 'more than 9'
        : `about ${Math.round(measured.longestGapMs / (365.25 * DAY_MS))}`;
    return {
      ok: false,
      code: 'too_rare',
      message:
        `"${trimmed}" pauses for ${years} years between runs. A schedule must run at least ${MIN_RUNS_IN_HORIZON} times ` +
        'in 8 years (the scheduler looks no further ahead); for a yearly snapshot use a date every year has, e.g. "0 0 28 2 *".',
    };
  }
  return { ok: true };
}

/**
 * The next `count` runs strictly after `from` in `timeZone`, fewer when cron's 8-year horizon ends first
 * (a stored schedule from before validateCron refused rare ones): callers list what there is. A run in the skipped spring hour moves to the
 * switch (02:30 → 03:00), a daily run in the repeated autumn hour runs once (an hourly schedule runs in
 * both copies of that hour). Candidates come from cron 4.4's CronTime, minus its phantom run: on the
 * autumn switch it also fires a 03:30 schedule at 02:30 CET, an hour early.
 */
export function nextRuns(expression: string, opts: { timeZone: string; from: Date; count: number }): Date[] {
  assertTimeZone(opts.timeZone);
  if (!Number.isInteger(opts.count) || opts.count < 0 || opts.count > MAX_NEXT_RUNS) {
    throw new ScheduleInputError('bad_count', `Ask for 0 to ${MAX_NEXT_RUNS} runs, not ${opts.count}.`);
  }
  let cronTime: CronTime;
  let calendar: CronCalendar;
  try {
    cronTime = new CronTime(expression.trim(), opts.timeZone);
    calendar = readCronCalendar(expression.trim());
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ScheduleInputError(
      'invalid_cron',
      `"${expression}" is not a valid cron expression (${reason}). ${CRON_FIELDS}`,
    );
  }
  const zone = IANAZone.create(opts.timeZone);
  const runs: Date[] = [];
  let cursor = opts.from;
  // Phantoms are rare (one per switch), so twice the count plus a margin always suffices.
  for (let attempts = 0; runs.length < opts.count && attempts < 2 * opts.count + 10; attempts++) {
    try {
      cursor = cronTime.getNextDateFrom(cursor, opts.timeZone).toJSDate();
    } catch {
      break; // beyond cron's horizon: no further run can be listed
    }
    if (isRealRun(calendar, zone, cursor.getTime())) runs.push(cursor);
  }
  return runs;
}

/** A run names its wall-clock time, or stands at a spring switch for a time the switch skipped. */
function isRealRun(calendar: CronCalendar, zone: IANAZone, ms: number): boolean {
  const offsetMinutes = zone.offset(ms);
  if (matchesWallClock(calendar, ms + offsetMinutes * 60_000)) return true;
  return zone.offset(ms - 1) < offsetMinutes;
}

/**
 * What every page and command says about a stored frequency that no longer validates (saved before a rule
 * was added, or edited in the database): it cannot run, and how to fix it.
 */
export function describeUnusableFrequency(text: string, err: unknown): string {
  const reason = err instanceof Error ? err.message.replace(/\.$/, '') : String(err);
  return (
    `The saved schedule "${text}" cannot run (${reason}), so automatic snapshots are paused. ` +
    'Choose a schedule in Settings and save it, or run "snapshot-panel schedule set --frequency daily@03:30".'
  );
}

/** "every 6 hours", "daily at 03:30", "weekly on Monday at 03:30", "custom: 0 *\/4 * * *" */
export function describeFrequency(preset: FrequencyPreset): string {
  assertValidPreset(preset);
  switch (preset.kind) {
    case 'hours':
      return preset.every === 1 ? 'every hour' : `every ${preset.every} hours`;
    case 'daily':
      return `daily at ${preset.at}`;
    case 'weekly':
      return `weekly on ${DAY_NAMES[preset.day]} at ${preset.at}`;
    case 'cron':
      return `custom: ${preset.expression}`;
  }
}

/** Average runs per day; for cron expressions measured over a reference year (weekdays only: 261/365). */
export function runsPerDay(preset: FrequencyPreset, timeZone: string): number {
  assertValidPreset(preset);
  assertTimeZone(timeZone);
  switch (preset.kind) {
    case 'hours':
      return 24 / preset.every;
    case 'daily':
      return 1;
    case 'weekly':
      return 1 / 7;
    case 'cron':
      return (
        measureWallClockRuns(readCronCalendar(preset.expression)).runsInReferenceYear / REFERENCE_YEAR_DAYS
      );
  }
}

/** Throws ScheduleInputError for a preset that did not come from parseFrequency (an old or edited row). */
export function assertValidPreset(preset: FrequencyPreset): void {
  switch (preset?.kind) {
    case 'hours':
      parseHourStep(preset.every);
      return;
    case 'daily':
      assertCanonicalTime(preset.at);
      return;
    case 'weekly':
      if (!Number.isInteger(preset.day) || preset.day < 0 || preset.day > 6) {
        throw new ScheduleInputError(
          'bad_day',
          `Day ${String(preset.day)} is not a weekday number; use 0 (Sunday) to 6 (Saturday).`,
        );
      }
      assertCanonicalTime(preset.at);
      return;
    case 'cron':
      assertCron(preset.expression);
      return;
    default:
      throw new ScheduleInputError('unknown_format', `Unknown schedule kind. ${ACCEPTED}`);
  }
}

function parseHourStep(every: number): HourStep {
  const step = HOUR_STEPS.find((candidate) => candidate === every);
  if (step === undefined) {
    throw new ScheduleInputError(
      'bad_hours',
      `Every ${every} hours does not fit the day evenly. Use 1h, 2h, 3h, 4h, 6h, 8h or 12h.`,
    );
  }
  return step;
}

/** "3:30" and "03:30" both read as "03:30", so stored values stay canonical. */
function parseTimeOfDay(text: string): string {
  const match = /^(\d{1,2}):(\d{2})$/.exec(text.trim());
  const hour = match ? Number(match[1]) : NaN;
  const minute = match ? Number(match[2]) : NaN;
  if (!(hour >= 0 && hour <= 23 && minute >= 0 && minute <= 59)) {
    throw new ScheduleInputError(
      'bad_time',
      `"${text}" is not a time of day. Write HH:MM in 24-hour form, e.g. 03:30.`,
    );
  }
  return `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`;
}

function assertCanonicalTime(at: string): void {
  if (typeof at !== 'string' || parseTimeOfDay(at) !== at) {
    throw new ScheduleInputError(
      'bad_time',
      `"${String(at)}" is not a time of day. Write HH:MM in 24-hour form, e.g. 03:30.`,
    );
  }
}

function splitTimeOfDay(at: string): { hour: number; minute: number } {
  const [hour, minute] = at.split(':').map(Number);
  return { hour, minute };
}

function parseWeekday(text: string): Weekday {
  const index = DAY_KEYS.indexOf(text.trim().toLowerCase() as (typeof DAY_KEYS)[number]);
  if (index === -1) {
    throw new ScheduleInputError(
      'bad_day',
      `"${text}" is not a day. Use mon, tue, wed, thu, fri, sat or sun.`,
    );
  }
  return index as Weekday;
}

function assertCron(expression: string): void {
  const result = validateCron(typeof expression === 'string' ? expression : '');
  if (!result.ok) throw new ScheduleInputError(result.code, result.message);
}

export function assertTimeZone(timeZone: string): void {
  if (!IANAZone.isValidZone(timeZone)) {
    throw new ScheduleInputError(
      'bad_time_zone',
      `"${timeZone}" is not a known time zone; use an IANA name such as Europe/Berlin or UTC.`,
    );
  }
}
