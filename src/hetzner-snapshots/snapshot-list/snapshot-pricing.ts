// The few numbers the snapshots page needs from GET /pricing and GET /servers/{id}, kept small in the cache.
import type { HcloudPricing, HcloudServer } from '../hcloud';

/** Gross prices (VAT included, as the invoice shows them) in the account's currency. */
export interface PricingInfo {
  currency: string;
  pricePerGbMonth: number;
  /** This server's type at this server's location; null when the price list does not name it. */
  serverMonthly: number | null;
  /** What Hetzner's Backups cost, as a percentage of the server's price (20 today). */
  backupPercentage: number;
}

export interface ServerInfo {
  id: number;
  name: string;
  serverType: string;
  location: string;
  status: string;
  /** Attached volumes (not in any snapshot); absent in lists cached before this field existed. */
  volumeIds?: number[];
  /** Hetzner's Backups window while they are on, else null. */
  backupWindow?: string | null;
}

const DEFAULT_BACKUP_PERCENTAGE = 20;

export function serverInfoOf(server: HcloudServer): ServerInfo {
  return {
    id: server.id,
    name: server.name,
    serverType: server.server_type.name,
    location: server.location.name,
    status: server.status,
    volumeIds: server.volumes ?? [],
    backupWindow: server.backup_window,
  };
}

export function pricingInfoOf(pricing: HcloudPricing, server: ServerInfo | null): PricingInfo {
  const perGb = toNumber(pricing.image?.price_per_gb_month?.gross);
  const type = server ? pricing.server_types?.find((t) => t.name === server.serverType) : undefined;
  const atLocation = type?.prices?.find((p) => p.location === server?.location);
  return {
    currency: pricing.currency,
    pricePerGbMonth: perGb ?? 0,
    serverMonthly: toNumber(atLocation?.price_monthly?.gross),
    backupPercentage: toNumber(pricing.server_backup?.percentage) ?? DEFAULT_BACKUP_PERCENTAGE,
  };
}

function toNumber(value: string | undefined): number | null {
  if (value === undefined || value === null) return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}
