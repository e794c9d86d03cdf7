// What a drill of a snapshot will do and cost, from what Hetzner lists (the server, the snapshot, the server
// types, the prices), stated before it starts. Pure: the service fetches, this decides.
import type { HcloudImage, HcloudPricing, HcloudServer, HcloudServerTypeListing } from '../hcloud';
import { chooseDrillServerType, drillCost, estimateDrillMinutes, formatMoney } from './drill.rules';
import { DrillError } from './drill.error';
import type { DrillTrigger } from './drill-run.entity';
import type { DrillStart } from './drill-run.store';

/** What a drill of this snapshot will do and cost, stated before it starts. */
export interface DrillPlan {
  image: HcloudImage;
  panelServer: Pick<HcloudServer, 'id' | 'name'>;
  serverType: string;
  serverTypeText: string;
  location: string;
  port: number | null;
  enableIpv4: boolean;
  estimatedMinutes: number;
  hourlyGross: number;
  estimatedCost: number;
  currency: string;
  /** "A cx22 in fsn1 for about 4 minutes: 0.0070 EUR (Hetzner bills every started hour)." */
  costText: string;
}

/** The plan for a snapshot of this server that may be drilled; a DrillError when no server type fits. */
export function buildDrillPlan(facts: {
  server: HcloudServer;
  image: HcloudImage;
  types: HcloudServerTypeListing[];
  pricing: HcloudPricing;
  /** The drill settings' port; null when no port is knocked on. */
  port: number | null;
}): DrillPlan {
  const { server, image, types, pricing, port } = facts;
  const location = server.location.name;
  const chosen = chooseDrillServerType({ image, types, location });
  if (!chosen.ok) throw new DrillError('refused', chosen.reason);
  const { choice } = chosen;
  // A public IPv4 costs extra and is only needed to knock on a port from here (IPv6 may not be routable).
  const enableIpv4 = port !== null;
  const ipv4Hourly = enableIpv4 ? primaryIpv4Hourly(pricing, location) : 0;
  const hourlyGross = choice.hourlyGross + ipv4Hourly;
  const estimatedMinutes = estimateDrillMinutes(image.image_size);
  const estimatedCost = drillCost({ hourlyGross, minutes: estimatedMinutes });
  const currency = pricing.currency;
  const serverTypeText = `${choice.type.name} (${choice.type.cores} vCPU, ${choice.type.memory} GB RAM, ${choice.type.disk} GB disk, ${choice.type.architecture})`;
  return {
    image,
    panelServer: { id: server.id, name: server.name },
    serverType: choice.type.name,
    serverTypeText,
    location,
    port,
    enableIpv4,
    estimatedMinutes,
    hourlyGross,
    estimatedCost,
    currency,
    costText: `A ${choice.type.name} in ${location}${enableIpv4 ? ' with a public IPv4' : ', without a public IPv4'} for about ${estimatedMinutes} minutes: ${formatMoney(estimatedCost, currency)} (${formatMoney(hourlyGross, currency)} per hour; Hetzner bills every started hour).`,
  };
}

/** The run as it is recorded when the drill starts: the plan, and who started it when. */
export function drillStartOf(
  plan: DrillPlan,
  start: { trigger: DrillTrigger; actor: string; panelServerId: number; at: Date },
): DrillStart {
  return {
    trigger: start.trigger,
    actor: start.actor,
    imageId: plan.image.id,
    imageSizeGb: plan.image.image_size,
    panelServerId: start.panelServerId,
    serverType: plan.serverType,
    location: plan.location,
    port: plan.port,
    estimatedMinutes: plan.estimatedMinutes,
    estimatedCost: plan.estimatedCost,
    hourlyPrice: plan.hourlyGross,
    currency: plan.currency,
    startedAt: start.at,
  };
}

/** The hourly gross price of a primary IPv4 in a location, from /pricing; 0 when the list does not say. */
function primaryIpv4Hourly(pricing: { primary_ips?: unknown[] }, location: string): number {
  for (const entry of pricing.primary_ips ?? []) {
    const e = entry as { type?: string; prices?: { location?: string; price_hourly?: { gross?: string } }[] };
    if (e.type !== 'ipv4') continue;
    const price = Number(e.prices?.find((p) => p.location === location)?.price_hourly?.gross);
    if (Number.isFinite(price)) return price;
  }
  return 0;
}
