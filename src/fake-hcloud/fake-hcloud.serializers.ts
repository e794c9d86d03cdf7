// Records to the JSON shapes of the API specification (openapi.json), field for field.
import {
  FakeLocation,
  FakeServerType,
  findLocation,
  findServerType,
  formatPrice,
  hourlyFromMonthly,
  INCLUDED_TRAFFIC_BYTES,
  LOCATIONS,
  netFromGross,
  VAT_RATE,
} from './fake-hcloud.catalog';
import { FakeActionRecord, FakeImageRecord, FakeServerRecord, FakeVolumeRecord } from './fake-hcloud.types';

const TRAFFIC_PRICE_PER_TB_NET = 1;

/** Timestamps the way the API writes them: whole seconds with an explicit offset. */
export function apiDate(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, '+00:00');
}

export function serializeImage(image: FakeImageRecord) {
  return {
    id: image.id,
    type: image.type,
    status: image.status,
    name: image.name,
    description: image.description,
    image_size: image.imageSize,
    disk_size: image.diskSize,
    created: apiDate(image.created),
    created_from: image.createdFrom ? { ...image.createdFrom } : null,
    bound_to: image.boundTo,
    os_flavor: image.osFlavor,
    os_version: image.osVersion,
    rapid_deploy: image.rapidDeploy,
    protection: { delete: image.protection.delete },
    deprecated: image.deprecated ? apiDate(image.deprecated) : null,
    deleted: null,
    labels: { ...image.labels },
    architecture: image.architecture,
  };
}

export function serializeAction(action: FakeActionRecord) {
  return {
    id: action.id,
    command: action.command,
    status: action.status,
    progress: action.progress,
    started: apiDate(action.started),
    finished: action.finished ? apiDate(action.finished) : null,
    resources: action.resources.map((resource) => ({ ...resource })),
    error: action.error ? { ...action.error } : null,
  };
}

// `datacenter` is left out on purpose: Hetzner removed it from server responses after this spec copy.
export function serializeServer(
  server: FakeServerRecord,
  context: { image: FakeImageRecord | null; locked: boolean; volumeIds: number[] },
) {
  const location = requireLocation(server.locationName);
  return {
    id: server.id,
    name: server.name,
    status: server.status,
    created: apiDate(server.created),
    public_net: {
      ipv4:
        server.ipv4 === null
          ? null
          : {
              id: server.id,
              ip: server.ipv4,
              blocked: false,
              dns_ptr: `static.${reverseIp(server.ipv4)}.clients.your-server.de`,
            },
      ipv6: { id: server.id, ip: server.ipv6Network, blocked: false, dns_ptr: [] },
      floating_ips: [],
      firewalls: [],
    },
    private_net: [],
    server_type: serializeServerType(requireServerType(server.serverTypeName), server),
    location: serializeLocation(location),
    image: context.image ? serializeImage(context.image) : null,
    iso: null,
    rescue_enabled: false,
    locked: context.locked,
    backup_window: server.backupWindow,
    outgoing_traffic: 0,
    ingoing_traffic: 0,
    included_traffic: INCLUDED_TRAFFIC_BYTES,
    protection: { ...server.protection },
    labels: { ...server.labels },
    volumes: context.volumeIds,
    load_balancers: [],
    primary_disk_size: server.diskGb,
    placement_group: null,
  };
}

export function serializeLocation(location: FakeLocation) {
  return {
    id: location.id,
    name: location.name,
    description: location.description,
    country: location.country,
    city: location.city,
    latitude: location.latitude,
    longitude: location.longitude,
    network_zone: location.networkZone,
  };
}

/** The type's prices in every location; `priced` servers override the price where they run. */
export function serverTypePrices(
  type: FakeServerType,
  priced: Pick<FakeServerRecord, 'locationName' | 'priceMonthlyGross'>[],
) {
  return LOCATIONS.map((location) => {
    const override = priced.find((server) => server.locationName === location.name);
    return serverPrice(location.name, override?.priceMonthlyGross ?? type.priceMonthlyGross);
  });
}

export function priceOf(gross: string) {
  return { net: netFromGross(gross), gross: formatPrice(Number(gross)) };
}

export function priceFromNet(net: number) {
  return { net: formatPrice(net), gross: formatPrice(net * (1 + VAT_RATE)) };
}

/** A server type as GET /server_types lists it: prices and availability in every location. */
export function serializeCatalogServerType(type: FakeServerType) {
  return serverTypeBody(
    type,
    [],
    LOCATIONS.filter((location) => !type.unsupportedIn.includes(location.name)).map((location) => ({
      location,
      recommended: false,
      available: !type.unavailableIn.includes(location.name),
    })),
  );
}

export function serializeVolume(volume: FakeVolumeRecord) {
  return {
    id: volume.id,
    created: apiDate(volume.created),
    name: volume.name,
    server: volume.serverId,
    location: serializeLocation(requireLocation(volume.locationName)),
    size: volume.sizeGb,
    linux_device: `/dev/disk/by-id/scsi-0HC_Volume_${volume.id}`,
    protection: { delete: false },
    labels: {},
    status: 'available',
    format: 'ext4',
  };
}

/** A server's own type: its price where it runs, and that location recommended. */
function serializeServerType(type: FakeServerType, server: FakeServerRecord) {
  return serverTypeBody(
    type,
    [server],
    LOCATIONS.map((location) => ({
      location,
      recommended: location.name === server.locationName,
      available: true,
    })),
  );
}

/** What every server type answer has; `priced` as for serverTypePrices. */
function serverTypeBody(
  type: FakeServerType,
  priced: Parameters<typeof serverTypePrices>[1],
  locations: { location: FakeLocation; recommended: boolean; available: boolean }[],
) {
  return {
    id: type.id,
    name: type.name,
    description: type.description,
    cores: type.cores,
    memory: type.memoryGb,
    disk: type.diskGb,
    deprecated: false,
    prices: serverTypePrices(type, priced),
    storage_type: 'local',
    cpu_type: type.cpuType,
    category: type.category,
    architecture: type.architecture,
    deprecation: null,
    locations: locations.map(({ location, recommended, available }) => ({
      id: location.id,
      name: location.name,
      deprecation: null,
      recommended,
      available,
    })),
  };
}

function serverPrice(locationName: string, monthlyGross: string) {
  return {
    location: locationName,
    price_hourly: priceOf(hourlyFromMonthly(monthlyGross)),
    price_monthly: priceOf(monthlyGross),
    included_traffic: INCLUDED_TRAFFIC_BYTES,
    price_per_tb_traffic: priceFromNet(TRAFFIC_PRICE_PER_TB_NET),
  };
}

function requireLocation(name: string): FakeLocation {
  const location = findLocation(name);
  if (!location) throw new Error(`fake-hcloud: unknown location '${name}'`);
  return location;
}

function requireServerType(name: string): FakeServerType {
  const type = findServerType(name);
  if (!type) throw new Error(`fake-hcloud: unknown server type '${name}'`);
  return type;
}

function reverseIp(ip: string): string {
  return ip.split('.').reverse().join('.');
}
