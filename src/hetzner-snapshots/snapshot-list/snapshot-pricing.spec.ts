import type { HcloudPricing } from '../hcloud';
import { pricingInfoOf } from './snapshot-pricing';

const pricing = {
  currency: 'EUR',
  vat_rate: '19.00',
  image: { price_per_gb_month: { net: '0.0120000000', gross: '0.0142800000' } },
  volume: { price_per_gb_month: { net: '0.044', gross: '0.05236' } },
  server_backup: { percentage: '20.00' },
  server_types: [
    {
      id: 1,
      name: 'cx22',
      prices: [
        {
          location: 'fsn1',
          price_hourly: { net: '0', gross: '0' },
          price_monthly: { net: '3.79', gross: '4.5101' },
          included_traffic: 0,
          price_per_tb_traffic: { net: '1', gross: '1.19' },
        },
        {
          location: 'ash',
          price_hourly: { net: '0', gross: '0' },
          price_monthly: { net: '4.99', gross: '5.9381' },
          included_traffic: 0,
          price_per_tb_traffic: { net: '1', gross: '1.19' },
        },
      ],
    },
  ],
} as HcloudPricing;

const server = { id: 1, name: 'web-1', serverType: 'cx22', location: 'ash', status: 'running' };

describe('pricingInfoOf', () => {
  it('takes the gross image price and this server type at this location', () => {
    expect(pricingInfoOf(pricing, server)).toEqual({
      currency: 'EUR',
      pricePerGbMonth: 0.01428,
      serverMonthly: 5.9381,
      backupPercentage: 20,
    });
  });

  it('leaves the server price open when the list does not name its type or location', () => {
    expect(pricingInfoOf(pricing, { ...server, serverType: 'cx99' }).serverMonthly).toBeNull();
    expect(pricingInfoOf(pricing, { ...server, location: 'sin' }).serverMonthly).toBeNull();
    expect(pricingInfoOf(pricing, null).serverMonthly).toBeNull();
  });

  it('assumes the documented 20% when the backup percentage is missing', () => {
    expect(
      pricingInfoOf({ ...pricing, server_backup: undefined } as unknown as HcloudPricing, server)
        .backupPercentage,
    ).toBe(20);
  });
});
