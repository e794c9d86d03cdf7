// How the panel's pages, banners and the CLI write a point in time: in the server's time zone with its
// abbreviation, so "03:30" on the page is the 03:30 the admin chose. Lengths of time: duration.format.ts.

type Form = 'date-time' | 'clock' | 'run' | 'stamp' | 'instant' | 'day';

// The one place the forms are spelled: pages and most CLI lines write 'date-time'; the schedule command lists
// runs with their weekday ('run'); doctor and the restore page write sortable stamps ('stamp'); the settings
// page writes the next runs in full ('instant'), and the phone list's badges a day alone ('day').
const FORMS: Record<Form, { locale: string; fields: Intl.DateTimeFormatOptions }> = {
  'date-time': {
    locale: 'en-GB',
    fields: {
      year: 'numeric',
      month: 'short',
      day: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      timeZoneName: 'short',
    },
  },
  clock: { locale: 'en-GB', fields: { hour: '2-digit', minute: '2-digit', second: '2-digit' } },
  run: {
    locale: 'en-GB',
    fields: {
      weekday: 'short',
      day: 'numeric',
      month: 'short',
      hour: '2-digit',
      minute: '2-digit',
      timeZoneName: 'short',
    },
  },
  stamp: {
    locale: 'en-CA',
    fields: { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' },
  },
  instant: {
    locale: 'en-GB',
    fields: {
      weekday: 'short',
      day: 'numeric',
      month: 'short',
      year: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      timeZoneName: 'short',
    },
  },
  day: { locale: 'en-GB', fields: { day: 'numeric', month: 'short' } },
};

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Intl formatters are costly to build and pages format hundreds of times: one per zone and form. */
function formatterFor(form: Form, timeZone: string): Intl.DateTimeFormat {
  const key = `${form}|${timeZone}`;
  let formatter = formatters.get(key);
  if (!formatter) {
    const { locale, fields } = FORMS[form];
    formatter = new Intl.DateTimeFormat(locale, { timeZone, hourCycle: 'h23', ...fields });
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

/** "Sun 22 Nov, 14:05 CET": a run of the schedule, with its weekday. */
export function formatRunTime(date: Date, timeZone: string): string {
  return formatterFor('run', timeZone).format(date);
}

/** "Mon, 24 Nov 2025, 03:30 CET": the weekday and the year too, the zone named so nobody has to guess. */
export function formatInstant(date: Date, timeZone: string): string {
  return formatterFor('instant', timeZone).format(date);
}

/** "2 Dec": the phone list's one line of badges has no room for the year and the time. */
export function formatDay(date: Date, timeZone: string): string {
  return formatterFor('day', timeZone).format(date);
}

/** "2026-11-22 14:05 (Europe/Berlin)": sortable, with the zone's name, for doctor and the restore page. */
export function formatStamp(date: Date, timeZone: string): string {
  const parts = formatterFor('stamp', timeZone).formatToParts(date);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')} (${timeZone})`;
}
