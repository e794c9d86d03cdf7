// How the panel's pages, banners and the CLI write times and durations: in the server's time zone with
// its abbreviation, so "03:30" on the page is the 03:30 the admin chose.

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Intl formatters are costly to build and pages format hundreds of times: one per zone and form. */
function formatterFor(form: 'date-time' | 'clock', timeZone: string): Intl.DateTimeFormat {
  const key = `${form}|${timeZone}`;
  let formatter = formatters.get(key);
  if (!formatter) {
    const fields: Intl.DateTimeFormatOptions =
      form === 'date-time'
        ? {
            year: 'numeric',
            month: 'short',
            day: 'numeric',
            hour: '2-digit',
            minute: '2-digit',
            timeZoneName: 'short',
          }
        : { hour: '2-digit', minute: '2-digit', second: '2-digit' };
    formatter = new Intl.DateTimeFormat('en-GB', { timeZone, hourCycle: 'h23', ...fields });
    formatters.set(key, formatter);
  }
  return formatter;
}

/** "22 Nov 2026, 14:05 CET" */
export function formatPanelTime(date: Date, timeZone: string): string {
  return formatterFor('date-time', timeZone).format(date);
}

/** "14:05:03" in the given zone. */
export function formatClockTime(date: Date, timeZone: string): string {
  return formatterFor('clock', timeZone).format(date);
}

/** "45 s", "3 min 12 s", "1 h 4 min" */
export function formatElapsed(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min${seconds % 60 ? ` ${seconds % 60} s` : ''}`;
  return `${Math.floor(minutes / 60)} h${minutes % 60 ? ` ${minutes % 60} min` : ''}`;
}
