// Turning times, sizes and money into the words the snapshots page and the CLI show. Pure.

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/** "just now", "5 minutes ago", "3 hours ago", "2 days ago", "in 10 minutes". */
export function formatRelative(then: Date, now: Date): string {
  const diff = now.getTime() - then.getTime();
  const abs = Math.abs(diff);
  if (abs < 45_000) return 'just now';
  let amount: string;
  // Rounded, not cut off: a snapshot taken 2 h 59 min ago reads "3 hours ago".
  if (abs < 59.5 * MINUTE_MS) amount = unit(Math.max(1, Math.round(abs / MINUTE_MS)), 'minute');
  else if (abs < 47.5 * HOUR_MS) amount = unit(Math.round(abs / HOUR_MS), 'hour');
  else if (abs < 59.5 * DAY_MS) amount = unit(Math.round(abs / DAY_MS), 'day');
  else if (abs < 729.5 * DAY_MS) amount = unit(Math.round(abs / (30.44 * DAY_MS)), 'month');
  else amount = unit(Math.round(abs / (365.25 * DAY_MS)), 'year');
  return diff >= 0 ? `${amount} ago` : `in ${amount}`;
}

const gbFormat = new Intl.NumberFormat('en', { maximumFractionDigits: 2 });
const countFormat = new Intl.NumberFormat('en');

/** "12.47 GB"; "—" when unknown (a snapshot still being created has no size yet). */
export function formatGb(gb: number | null | undefined): string {
  return gb === null || gb === undefined ? '—' : `${gbFormat.format(gb)} GB`;
}

export function formatCount(n: number): string {
  return countFormat.format(n);
}

/** "€1.23"; amounts under a cent read "less than €0.01" rather than a misleading €0.00. */
export function formatMoney(amount: number, currency: string): string {
  let format: Intl.NumberFormat;
  try {
    format = new Intl.NumberFormat('en', {
      style: 'currency',
      currency,
      minimumFractionDigits: 2,
      maximumFractionDigits: 2,
    });
  } catch {
    // An unknown currency code: still show the amount, with the code.
    return `${amount.toFixed(2)} ${currency}`;
  }
  if (amount > 0 && amount < 0.005) return `less than ${format.format(0.01)}`;
  return format.format(amount);
}

/** "€0.0131": prices per unit need the digits a rounded total does not. */
export function formatUnitPrice(amount: number, currency: string): string {
  try {
    return new Intl.NumberFormat('en', {
      style: 'currency',
      currency,
      minimumFractionDigits: 2,
      maximumFractionDigits: 4,
    }).format(amount);
  } catch {
    return `${amount} ${currency}`;
  }
}

function unit(n: number, name: string): string {
  return `${n} ${name}${n === 1 ? '' : 's'}`;
}
