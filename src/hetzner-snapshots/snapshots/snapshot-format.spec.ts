import { formatGb, formatMoney, formatRelative, formatUnitPrice } from './snapshot-format';

const NOW = new Date('2026-11-22T12:00:00Z');
const ago = (ms: number) => new Date(NOW.getTime() - ms);

describe('formatRelative', () => {
  it.each([
    [10_000, 'just now'],
    [60_000, '1 minute ago'],
    [5 * 60_000, '5 minutes ago'],
    [3 * 3_600_000 + 10 * 60_000, '3 hours ago'],
    [3 * 3_600_000 - 60_000, '3 hours ago'],
    [59 * 60_000 + 50_000, '1 hour ago'],
    [30 * 3_600_000, '30 hours ago'],
    [3 * 86_400_000, '3 days ago'],
    [90 * 86_400_000, '3 months ago'],
    [800 * 86_400_000, '2 years ago'],
    [-10 * 60_000, 'in 10 minutes'],
  ])('%p ms → %p', (ms, text) => expect(formatRelative(ago(ms), NOW)).toBe(text));
});

describe('formatGb and formatMoney', () => {
  it.each([
    [null, '—'],
    [12.4712, '12.47 GB'],
    [1234.5, '1,234.5 GB'],
  ])('%p GB → %p', (gb, text) => expect(formatGb(gb)).toBe(text));

  it.each([
    [1.234, 'EUR', '€1.23'],
    [0.001, 'EUR', 'less than €0.01'],
    [0, 'EUR', '€0.00'],
    [2, 'USD', '$2.00'],
    [2, 'XX1', '2.00 XX1'],
  ])('%p %s → %p', (amount, currency, text) => expect(formatMoney(amount, currency)).toBe(text));
});

describe('formatUnitPrice', () => {
  it('keeps the digits of a price per GB', () => {
    expect(formatUnitPrice(0.01309, 'EUR')).toBe('€0.0131');
    expect(formatUnitPrice(1.5, 'EUR')).toBe('€1.50');
  });
});
