// How long a schedule may go between two runs, in real time (clock changes included): the period that "a
// run was missed" and "no success for more than two periods" are measured in.
import { IANAZone } from 'luxon';
import { measureWallClockRuns, readCronCalendar } from './cron-calendar';
import { ScheduleInputError } from './schedule-input.error';
import { assertTimeZone, assertValidPreset, type FrequencyPreset } from './snapshot-schedule';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/**
 * The longest real time between two consecutive runs: the nominal period for presets, the longest
 * regular pause for cron (a weekdays-only schedule gives 72 h), plus the hour an autumn clock change
 * adds in zones that have one (daily in Europe/Berlin: 25 h). "Missed run" and "no success for two
 * periods" checks built on it therefore never fire over a weekend or a clock change.
 */
export function periodMs(preset: FrequencyPreset, timeZone: string): number {
  assertValidPreset(preset);
  assertTimeZone(timeZone);
  const wallClockGapMs = longestWallClockGapMs(preset);
  const clockChangeMs = largestClockChangeMs(timeZone);
  // A schedule running every hour also runs in both copies of the repeated hour, so its gap stays one hour.
  return wallClockGapMs > clockChangeMs ? wallClockGapMs + clockChangeMs : wallClockGapMs;
}

function longestWallClockGapMs(preset: FrequencyPreset): number {
  switch (preset.kind) {
    case 'hours':
      return preset.every * HOUR_MS;
    case 'daily':
      return DAY_MS;
    case 'weekly':
      return 7 * DAY_MS;
    case 'cron': {
      const { longestGapMs } = measureWallClockRuns(readCronCalendar(preset.expression));
      if (longestGapMs === null) {
        throw new ScheduleInputError('never_runs', `"${preset.expression}" runs at most once in 9 years.`);
      }
      return longestGapMs;
    }
  }
}

/** The zone's daylight-saving shift (one hour for most of Europe, none for UTC): what a clock change adds to a gap. */
function largestClockChangeMs(timeZone: string): number {
  const zone = IANAZone.create(timeZone);
  const offsets: number[] = [];
  for (let month = 0; month < 12; month++) {
    for (const day of [1, 15]) offsets.push(zone.offset(Date.UTC(2025, month, day, 12)));
  }
  return (Math.max(...offsets) - Math.min(...offsets)) * 60_000;
}
