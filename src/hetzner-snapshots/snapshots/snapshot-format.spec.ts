import { formatGb, formatMoney, formatUnitPrice } from './snapshot-format';

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
