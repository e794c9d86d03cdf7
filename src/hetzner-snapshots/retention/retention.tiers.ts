import { DateTime } from 'luxon';

export type TierName = 'hourly' | 'daily' | 'weekly' | 'monthly';
export const TIER_NAMES: readonly TierName[] = ['hourly', 'daily', 'weekly', 'monthly'];
/** The calendar unit each tier keeps one snapshot of, as a word. */
export const TIER_UNIT: Record<TierName, 'hour' | 'day' | 'week' | 'month'> = {
  hourly: 'hour',
  daily: 'day',
  weekly: 'week',
  monthly: 'month',
};
// Bucket lengths in days; a month is its average length, close enough for "about" and for drawing.
export const TIER_BUCKET_DAYS: Record<TierName, number> = {
  hourly: 1 / 24,
  daily: 1,
  weekly: 7,
  monthly: 365.25 / 12,
};

/** Where a snapshot falls in one tier. */
export interface TierSlot {
  /** Identifies the bucket. The two copies of the repeated autumn hour are two buckets. */
  key: string;
  /** Plain words for the bucket: "2025-10-26", "ISO week 2025-W43", "October 2025". */
  label: string;
  /** 0 = the bucket `now` is in, 1 = the one before... */
  bucketsAgo: number;
  /** When a tier keeping `count` buckets stops covering this bucket. */
  leavesWindowAt(count: number): Date;
}

export type TierSlots = Record<TierName, TierSlot>;

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/**
 * Buckets by local time in `timeZone`. Hours are real hours (the local hour plus its UTC offset), so a
 * clock change never merges two hours into one bucket and deletes the older snapshot; days, ISO weeks
 * and months are local calendar ones, counted by calendar arithmetic so a 23- or 25-hour day is one day.
 */
export function tierLocator(now: Date, timeZone: string): (created: Date) => TierSlots {
  const localNow = DateTime.fromJSDate(now, { zone: timeZone });
  const nowHourStart = hourStartMs(localNow);
  const nowDay = epochDay(localNow);
  const nowMonday = nowDay - (localNow.weekday - 1);
  const nowMonth = epochMonth(localNow);

  const localMidnight = (day: number): Date => {
    const date = new Date(day * DAY_MS);
    const parts = { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
    return DateTime.fromObject(parts, { zone: timeZone }).toJSDate();
  };
  const localMonthStart = (month: number): Date =>
    DateTime.fromObject(
      { year: Math.floor(month / 12), month: (month % 12) + 1, day: 1 },
      { zone: timeZone },
    ).toJSDate();

  return (created) => {
    const local = DateTime.fromJSDate(created, { zone: timeZone }).setLocale('en');
    const hourStart = hourStartMs(local);
    const day = epochDay(local);
    const monday = day - (local.weekday - 1);
    const month = epochMonth(local);
    const date = local.toISODate() ?? '';
    return {
      hourly: {
        key: `hour:${hourStart}`,
        label: `the hour from ${local.toFormat('HH')}:00 (UTC${local.toFormat('ZZ')}) on ${date}`,
        bucketsAgo: Math.round((nowHourStart - hourStart) / HOUR_MS),
        leavesWindowAt: (count) => new Date(hourStart + count * HOUR_MS),
      },
      daily: {
        key: `day:${day}`,
        label: date,
        bucketsAgo: nowDay - day,
        leavesWindowAt: (count) => localMidnight(day + count),
      },
      weekly: {
        key: `week:${monday}`,
        label: `ISO week ${local.toFormat("kkkk-'W'WW")}`,
        bucketsAgo: (nowMonday - monday) / 7,
        leavesWindowAt: (count) => localMidnight(monday + 7 * count),
      },
      monthly: {
        key: `month:${month}`,
        label: local.toFormat('LLLL yyyy'),
        bucketsAgo: nowMonth - month,
        leavesWindowAt: (count) => localMonthStart(month + count),
      },
    };
  };
}

/** The instant this copy of the local hour began. */
function hourStartMs(local: DateTime): number {
  return local.toMillis() - ((local.minute * 60 + local.second) * 1000 + local.millisecond);
}

/** The local calendar date as a day number, free of clock changes. */
function epochDay(local: DateTime): number {
  return Date.UTC(local.year, local.month - 1, local.day) / DAY_MS;
}

function epochMonth(local: DateTime): number {
  return local.year * 12 + (local.month - 1);
}
