import { IMAGE_PRICE_PER_GB_MONTH_NET, LOCATIONS, SERVER_TYPES, VAT_RATE } from './fake-hcloud.catalog';
import { Route, RouteDeps } from './fake-hcloud.router';
import { priceFromNet, serverTypePrices } from './fake-hcloud.serializers';
import { FakeHcloudState } from './fake-hcloud.state';

const HOURS_PER_MONTH = 730;

export function pricingRoutes({ state }: RouteDeps): Route[] {
  return [
    {
      method: 'GET',
      pattern: '/v1/pricing',
      handle: (context) => ({ status: 200, body: { pricing: pricing(state, context.projectId) } }),
    },
  ];
}

/** The price list; a server added with its own monthly price shows that price for its type and location. */
function pricing(state: FakeHcloudState, projectId: number) {
  const servers = [...state.servers.values()].filter((server) => server.projectId === projectId);
  return {
    currency: 'EUR',
    vat_rate: (VAT_RATE * 100).toFixed(2),
    primary_ips: [
      { type: 'ipv4', prices: hourlyAndMonthlyPrices(0.5) },
      { type: 'ipv6', prices: hourlyAndMonthlyPrices(0) },
    ],
    floating_ips: [
      { type: 'ipv4', prices: monthlyPrices(3) },
      { type: 'ipv6', prices: monthlyPrices(3) },
    ],
    image: { price_per_gb_month: priceFromNet(IMAGE_PRICE_PER_GB_MONTH_NET) },
    volume: { price_per_gb_month: priceFromNet(0.044) },
    server_backup: { percentage: '20.00' },
    server_types: SERVER_TYPES.map((type) => ({
      id: type.id,
      name: type.name,
      prices: serverTypePrices(
        type,
        servers.filter((server) => server.serverTypeName === type.name),
      ),
    })),
    load_balancer_types: [],
    floating_ip: { price_monthly: priceFromNet(3) },
  };
}

function monthlyPrices(monthlyNet: number) {
  return LOCATIONS.map((location) => ({ location: location.name, price_monthly: priceFromNet(monthlyNet) }));
}

function hourlyAndMonthlyPrices(monthlyNet: number) {
  return LOCATIONS.map((location) => ({
    location: location.name,
    price_hourly: priceFromNet(monthlyNet / HOURS_PER_MONTH),
    price_monthly: priceFromNet(monthlyNet),
  }));
}
