// Turning sizes and money into the words the snapshots page and the CLI show. Pure.

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
