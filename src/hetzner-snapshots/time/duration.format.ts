// How the panel's pages, banners and the CLI write a length of time: a duration ("7 days and 3 hours"), an
// elapsed time ("3 min 12 s") and a time relative to now ("5 minutes ago"). Pure.
import { plural } from '../wording/plural';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/** "40 minutes", "5 hours", "7 days and 3 hours", "45 days": precise where the retention boundary is. */
export function formatDuration(ms: number): string {
  if (ms < MINUTE_MS) return 'less than a minute';
  if (ms < HOUR_MS) return plural(Math.floor(ms / MINUTE_MS), 'minute');
  if (ms < DAY_MS) return plural(Math.floor(ms / HOUR_MS), 'hour');
  const days = Math.floor(ms / DAY_MS);
  const hours = Math.floor((ms % DAY_MS) / HOUR_MS);
  // Past a month the hours no longer help anyone decide anything.
  return hours > 0 && days < 30 ? `${plural(days, 'day')} and ${plural(hours, 'hour')}` : plural(days, 'day');
}

/** "just now", "5 minutes ago", "3 hours ago", "2 days ago", "in 10 minutes". */
export function formatRelative(then: Date, now: Date): string {
  const diff = now.getTime() - then.getTime();
  const abs = Math.abs(diff);
  if (abs < 45_000) return 'just now';
  let amount: string;
  // Rounded, not cut off: a snapshot taken 2 h 59 min ago reads "3 hours ago".
  if (abs < 59.5 * MINUTE_MS) amount = plural(Math.max(1, Math.round(abs / MINUTE_MS)), 'minute');
  else if (abs < 47.5 * HOUR_MS) amount = plural(Math.round(abs / HOUR_MS), 'hour');
  else if (abs < 59.5 * DAY_MS) amount = plural(Math.round(abs / DAY_MS), 'day');
  else if (abs < 729.5 * DAY_MS) amount = plural(Math.round(abs / (30.44 * DAY_MS)), 'month');
  else amount = plural(Math.round(abs / (365.25 * DAY_MS)), 'year');
  return diff >= 0 ? `${amount} ago` : `in ${amount}`;
}

/** "45 s", "3 min 12 s", "1 h 4 min" */
export function formatElapsed(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min${seconds % 60 ? ` ${seconds % 60} s` : ''}`;
  return `${Math.floor(minutes / 60)} h${minutes % 60 ? ` ${minutes % 60} min` : ''}`;
}
