// Typed Hetzner Cloud API objects, as the API sends them (snake_case, from vendor/hcloud/openapi.json).
// Only the fields the panel may read are typed strictly; the rest of the spec's fields are listed where cheap.
// Note: `datacenter` was removed from server responses by Hetzner (use `location`).

export type HcloudLabels = Record<string, string>;

export type HcloudArchitecture = 'x86' | 'arm';

export interface HcloudPrice {
  net: string;
  gross: string;
}

export interface HcloudLocation {
  id: number;
  name: string;
  description: string;
  country: string;
  city: string;
  latitude: number;
  longitude: number;
  network_zone: string;
}

export type HcloudImageType = 'system' | 'app' | 'snapshot' | 'backup';
export type HcloudImageStatus = 'available' | 'creating' | 'unavailable';

export interface HcloudImage {
  id: number;
  type: HcloudImageType;
  status: HcloudImageStatus;
  name: string | null;
  description: string;
  /** GB; null while the snapshot is being created. */
  image_size: number | null;
  /** GB */
  disk_size: number;
  created: string;
  created_from: { id: number; name: string } | null;
  bound_to: number | null;
  os_flavor: string;
  os_version: string | null;
  rapid_deploy?: boolean;
  protection: { delete: boolean };
  deprecated: string | null;
  deleted: string | null;
  labels: HcloudLabels;
  architecture: HcloudArchitecture;
}

export type HcloudServerStatus =
  | 'running'
  | 'initializing'
  | 'starting'
  | 'stopping'
  | 'off'
  | 'deleting'
  | 'migrating'
  | 'rebuilding'
  | 'unknown';

export interface HcloudServerType {
  id: number;
  name: string;
  description: string;
  cores: number;
  memory: number;
  disk: number;
  storage_type: 'local' | 'network';
  cpu_type: 'shared' | 'dedicated';
  architecture: HcloudArchitecture;
  category?: string;
  deprecated?: boolean | null;
}

/** A server type as GET /server_types lists it, with its prices and availability per location. */
export interface HcloudServerTypeListing extends HcloudServerType {
  prices: {
    location: string;
    price_hourly: HcloudPrice;
    price_monthly: HcloudPrice;
  }[];
  locations?: { id: number; name: string; deprecation: unknown; available: boolean; recommended?: boolean }[];
}

export interface HcloudVolume {
  id: number;
  name: string;
  /** GB */
  size: number;
  server: number | null;
  location: { name: string };
  linux_device: string;
}

export interface HcloudServer {
  id: number;
  name: string;
  status: HcloudServerStatus;
  created: string;
  public_net: {
    ipv4: { id?: number; ip: string; blocked: boolean; dns_ptr: string } | null;
    ipv6: {
      id?: number;
      ip: string;
      blocked: boolean;
      dns_ptr: { ip: string; dns_ptr: string }[] | null;
    } | null;
    floating_ips: number[];
    firewalls?: { id: number; status: string }[];
  };
  private_net: { network: number; ip: string; alias_ips: string[]; mac_address: string }[];
  server_type: HcloudServerType;
  location: HcloudLocation;
  image: HcloudImage | null;
  iso: unknown;
  rescue_enabled: boolean;
  locked: boolean;
  backup_window: string | null;
  outgoing_traffic: number | null;
  ingoing_traffic: number | null;
  included_traffic: number | null;
  protection: { delete: boolean; rebuild: boolean };
  labels: HcloudLabels;
  volumes?: number[];
  load_balancers?: number[];
  /** GB */
  primary_disk_size: number;
  placement_group?: unknown;
}

export type HcloudActionStatus = 'running' | 'success' | 'error';

export interface HcloudAction {
  id: number;
  command: string;
  status: HcloudActionStatus;
  /** 0..100 */
  progress: number;
  started: string;
  finished: string | null;
  resources: { id: number; type: string }[];
  error: { code: string; message: string } | null;
}

export interface HcloudPricing {
  currency: string;
  vat_rate: string;
  image: { price_per_gb_month: HcloudPrice };
  volume: { price_per_gb_month: HcloudPrice };
  server_backup: { percentage: string };
  server_types: {
    id: number;
    name: string;
    prices: {
      location: string;
      price_hourly: HcloudPrice;
      price_monthly: HcloudPrice;
      included_traffic: number;
      price_per_tb_traffic: HcloudPrice;
    }[];
  }[];
  primary_ips?: unknown[];
  floating_ips?: unknown[];
  load_balancer_types?: unknown[];
  floating_ip?: unknown;
}

export interface Pagination {
  page: number;
  per_page: number;
  previous_page: number | null;
  next_page: number | null;
  last_page: number | null;
  total_entries: number | null;
}

export type ImageSortField = 'id' | 'name' | 'created';
export type ImageSort = ImageSortField | `${ImageSortField}:asc` | `${ImageSortField}:desc`;

/** Every filter GET /images has, named as the API names them. Arrays become repeated query parameters. */
export interface ListImagesFilter {
  type?: HcloudImageType | HcloudImageType[];
  status?: HcloudImageStatus | HcloudImageStatus[];
  /** Server ids; only meaningful for images of type `backup`. */
  bound_to?: number | number[];
  include_deprecated?: boolean;
  name?: string;
  /** e.g. `managed-by=snapshot-panel,server-id=42` (see the API's label selector syntax). */
  label_selector?: string;
  architecture?: HcloudArchitecture;
  sort?: ImageSort | ImageSort[];
}

export interface HcloudRateLimit {
  limit: number;
  remaining: number;
  resetAt: Date;
}

/** One HTTP attempt, reported so callers can count requests per cycle. */
export interface HcloudRequestEvent {
  method: string;
  /** Relative to the endpoint, query string included (never contains the token). */
  path: string;
  status: number | 'network-error' | 'timeout';
  /** 1 for the first try, 2 for the first retry... */
  attempt: number;
  durationMs: number;
  /** The RateLimit-* headers of this answer, when it carried them (read on every answer). */
  rateLimit?: HcloudRateLimit;
}
