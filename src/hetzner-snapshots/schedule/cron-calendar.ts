// A cron expression as a calendar of wall-clock values, and its runs walked in wall-clock time (no zone), for
// the rules that measure a schedule: how often it runs in a year and its longest pause.
import { CronTime } from 'cron';

const DAY_MS = 86_400_000;
// A fixed ordinary year keeps runsPerDay and periodMs deterministic; any year's calendar gives nearly the same.
const REFERENCE_YEAR_START = Date.UTC(2025, 0, 1);
const REFERENCE_YEAR_END = Date.UTC(2026, 0, 1);
export const REFERENCE_YEAR_DAYS = 365;
// cron gives up after 8 years; 9 still finds two runs of a 29 February schedule.
const SEARCH_LIMIT_MS = 9 * 366 * DAY_MS;

/** The fields of a cron expression as the `cron` package expanded them: the values each one matches. */
export interface CronCalendar {
  seconds: number[];
  minutes: number[];
  hours: number[];
  daysOfMonth: ReadonlySet<number>;
  months: ReadonlySet<number>;
  /** 0 = Sunday */
  daysOfWeek: ReadonlySet<number>;
}

type ExpandedField = Record<number, boolean>;
type CronTimeInternals = Record<'second' | 'minute' | 'hour' | 'dayOfMonth' | 'month' | 'dayOfWeek', unknown>;

/**
 * Parses with the same library that fires the job, so "valid" here means valid there.
 * Throws the library's CronError for garbage.
 */
export function readCronCalendar(expression: string): CronCalendar {
  // UTC so the system time zone never matters; the fields themselves do not depend on the zone.
  const internals = new CronTime(expression, 'UTC') as unknown as CronTimeInternals;
  // cron 4.4's public toJSON() drops the top value of ranges ("0-5" reads as "*"), so we read the sets
  // it parsed; the version is pinned exactly and cron-calendar.spec.ts fails loudly if this changes.
  const field = (name: keyof CronTimeInternals): number[] => {
    const expanded = internals[name];
    if (typeof expanded !== 'object' || expanded === null) {
      throw new Error(`cron internals changed: field ${name} is not an expanded set`);
    }
    return Object.keys(expanded as ExpandedField)
      .map(Number)
      .sort((a, b) => a - b);
  };
  return {
    seconds: field('second'),
    minutes: field('minute'),
    hours: field('hour'),
    daysOfMonth: new Set(field('dayOfMonth')),
    months: new Set(field('month')),
    daysOfWeek: new Set(field('dayOfWeek')),
  };
}

/** Same rule as cron's getNextDateFrom: when both day fields are restricted, either one matching is enough. */
function matchesDay(calendar: CronCalendar, day: Date): boolean {
  if (!calendar.months.has(day.getUTCMonth() + 1)) return false;
  const restrictsDayOfMonth = calendar.daysOfMonth.size !== 31;
  const restrictsDayOfWeek = calendar.daysOfWeek.size !== 7;
  const dayOfMonthMatches = calendar.daysOfMonth.has(day.getUTCDate());
  const dayOfWeekMatches = calendar.daysOfWeek.has(day.getUTCDay());
  if (restrictsDayOfMonth && restrictsDayOfWeek) return dayOfMonthMatches || dayOfWeekMatches;
  if (restrictsDayOfMonth) return dayOfMonthMatches;
  if (restrictsDayOfWeek) return dayOfWeekMatches;
  return true;
}

/** Whether a wall-clock instant (local time written as if UTC) is one the expression names. */
export function matchesWallClock(calendar: CronCalendar, wallMs: number): boolean {
  const wall = new Date(wallMs);
  return (
    matchesDay(calendar, wall) &&
    calendar.hours.includes(wall.getUTCHours()) &&
    calendar.minutes.includes(wall.getUTCMinutes()) &&
    calendar.seconds.includes(wall.getUTCSeconds())
  );
}

/**
 * Visits the runs in [fromWallMs, untilWallMs) in wall-clock time: local time written as if it were UTC,
 * so no time zone or clock change is involved. Far cheaper than asking cron run by run (about 1 ms
 * each), which matters when a year of hourly runs is measured. Stops early when `visit` returns false.
 */
export function forEachWallClockRun(
  calendar: CronCalendar,
  fromWallMs: number,
  untilWallMs: number,
  visit: (wallMs: number) => boolean | void,
): void {
  for (let dayMs = Math.floor(fromWallMs / DAY_MS) * DAY_MS; dayMs < untilWallMs; dayMs += DAY_MS) {
    if (!matchesDay(calendar, new Date(dayMs))) continue;
    for (const hour of calendar.hours) {
      for (const minute of calendar.minutes) {
        for (const second of calendar.seconds) {
          const wallMs = dayMs + ((hour * 60 + minute) * 60 + second) * 1000;
          if (wallMs < fromWallMs || wallMs >= untilWallMs) continue;
          if (visit(wallMs) === false) return;
        }
      }
    }
  }
}

/** Runs of the reference year, and the longest gap including the one into the following year. */
export function measureWallClockRuns(calendar: CronCalendar): {
  runsInReferenceYear: number;
  totalRuns: number;
  longestGapMs: number | null;
} {
  let runsInReferenceYear = 0;
  let totalRuns = 0;
  let longestGapMs: number | null = null;
  let previous: number | null = null;
  forEachWallClockRun(calendar, REFERENCE_YEAR_START, REFERENCE_YEAR_START + SEARCH_LIMIT_MS, (wallMs) => {
    totalRuns++;
    if (wallMs < REFERENCE_YEAR_END) runsInReferenceYear++;
    if (previous !== null) longestGapMs = Math.max(longestGapMs ?? 0, wallMs - previous);
    previous = wallMs;
    // Past the year, one run is enough: it closes the gap across the year's end.
    return wallMs < REFERENCE_YEAR_END || totalRuns < 2;
  });
  return { runsInReferenceYear, totalRuns, longestGapMs };
}
