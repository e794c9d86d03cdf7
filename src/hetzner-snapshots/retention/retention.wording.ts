/** "1 day", "7 days" */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : pluralForm}`;
}

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
