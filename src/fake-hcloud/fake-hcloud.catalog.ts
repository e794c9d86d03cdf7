// Static Hetzner facts the fake describes servers with: locations and a few server types.

export interface FakeLocation {
  id: number;
  name: string;
  description: string;
  country: string;
  city: string;
  latitude: number;
  longitude: number;
  networkZone: string;
  availabilityZone: string;
}

export interface FakeServerType {
  id: number;
  name: string;
  description: string;
  cores: number;
  memoryGb: number;
  diskGb: number;
  cpuType: 'shared' | 'dedicated';
  category: string;
  architecture: 'x86' | 'arm';
  priceMonthlyGross: string;
  /** Locations the type is not offered in at all (left out of its `locations`). */
  unsupportedIn: string[];
  /** Locations where it is listed but temporarily sold out (`available: false`). */
  unavailableIn: string[];
}

export const VAT_RATE = 0.19;
export const IMAGE_PRICE_PER_GB_MONTH_NET = 0.011;
export const INCLUDED_TRAFFIC_BYTES = 21990232555520;

export const LOCATIONS: readonly FakeLocation[] = [
  location(
    1,
    'fsn1',
    'Falkenstein DC Park 1',
    'DE',
    'Falkenstein',
    50.47612,
    12.370071,
    'eu-central',
    'fsn1-dc14',
  ),
  location(
    2,
    'nbg1',
    'Nuremberg DC Park 1',
    'DE',
    'Nuremberg',
    49.452102,
    11.076665,
    'eu-central',
    'nbg1-dc3',
  ),
  location(3, 'hel1', 'Helsinki DC Park 1', 'FI', 'Helsinki', 60.169855, 24.938379, 'eu-central', 'hel1-dc2'),
  location(4, 'ash', 'Ashburn, VA', 'US', 'Ashburn, VA', 39.045821, -77.487073, 'us-east', 'ash-dc1'),
  location(5, 'hil', 'Hillsboro, OR', 'US', 'Hillsboro, OR', 45.54222, -122.951924, 'us-west', 'hil-dc1'),
  location(6, 'sin', 'Singapore', 'SG', 'Singapore', 1.283333, 103.833333, 'ap-southeast', 'sin-dc1'),
];

export const SERVER_TYPES: readonly FakeServerType[] = [
  serverType(104, 'cx22', 2, 4, 40, '4.5101'),
  serverType(105, 'cx32', 4, 8, 80, '8.0920'),
  serverType(106, 'cx42', 8, 16, 160, '19.5160'),
  serverType(107, 'cx52', 16, 32, 320, '38.6750'),
  // Cheaper than cx22 but sold out in fsn1 and not offered in the US: a drill there must skip it.
  serverType(108, 'cpx11', 2, 2, 40, '4.3500', { unavailableIn: ['fsn1'], unsupportedIn: ['ash', 'hil'] }),
  serverType(109, 'cax11', 2, 4, 40, '3.9500', { architecture: 'arm' }),
];

export function findLocation(name: string): FakeLocation | undefined {
  return LOCATIONS.find((candidate) => candidate.name === name);
}

export function findServerType(name: string): FakeServerType | undefined {
  return SERVER_TYPES.find((candidate) => candidate.name === name);
}

/** A price as the API writes it: a decimal string with four places. */
export function formatPrice(amount: number): string {
  return amount.toFixed(4);
}

export function netFromGross(gross: string): string {
  return formatPrice(Number(gross) / (1 + VAT_RATE));
}

/** Hetzner bills by the hour and caps at the monthly price, reached after about 730 hours. */
export function hourlyFromMonthly(monthly: string): string {
  return formatPrice(Number(monthly) / 730);
}

function location(
  id: number,
  name: string,
  description: string,
  country: string,
  city: string,
  latitude: number,
  longitude: number,
  networkZone: string,
  availabilityZone: string,
): FakeLocation {
  return { id, name, description, country, city, latitude, longitude, networkZone, availabilityZone };
}

function serverType(
  id: number,
  name: string,
  cores: number,
  memoryGb: number,
  diskGb: number,
  priceMonthlyGross: string,
  extra: Partial<Pick<FakeServerType, 'architecture' | 'unsupportedIn' | 'unavailableIn'>> = {},
): FakeServerType {
  return {
    id,
    name,
    description: name.toUpperCase(),
    cores,
    memoryGb,
    diskGb,
    cpuType: 'shared',
    category: 'Shared vCPU',
    architecture: 'x86',
    priceMonthlyGross,
    unsupportedIn: [],
    unavailableIn: [],
    ...extra,
  };
}
