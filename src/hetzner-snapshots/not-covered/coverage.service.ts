// Owns "what the snapshots do not cover" for this server: its attached volumes (names, sizes) and Hetzner's own
// Backups (count, size, cost). The server's volume ids and backup window come from the snapshot list's cached
// server details when a page has them (no extra request); volumes and backups are read at most every 30 minutes.
import { Inject, Injectable } from '@nestjs/common';
import { PluginLogger } from '../logging/plugin.logger';
import { CLOCK, Clock } from '../../clock/clock';
import { HetznerConnectionService } from '../connection/hetzner-connection.service';
import { describeHcloudError, HcloudApiError, HcloudClient } from '../hcloud';
import { pricingInfoOf, PricingInfo, ServerInfo, serverInfoOf } from '../snapshot-list/snapshot-pricing';
import { CoverageFacts, CoverageView, presentCoverage } from './coverage.rules';

const CACHE_MS = 30 * 60_000;

@Injectable()
export class CoverageService {
  private readonly logger = new PluginLogger('Coverage');
  private cached: { at: number; key: string; facts: CoverageFacts } | null = null;
  private inFlight: { key: string; promise: Promise<CoverageFacts> } | null = null;
  private serverLook: Promise<ServerInfo> | null = null;

  constructor(
    private readonly connection: HetznerConnectionService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /**
   * For the pages: null when it cannot be read now (the page still works without it). The snapshots page hands
   * in its cached server details and prices; without them (settings page) the last facts are reused, or the
   * server is asked once.
   */
  async view(
    known: { server: ServerInfo | null; pricing: PricingInfo | null } | null = null,
  ): Promise<CoverageView | null> {
    try {
      return presentCoverage(await this.facts({ interactive: true, known }));
    } catch (err) {
      if (err instanceof CoverageNotKnownYet) return null;
      this.logger.warn(`could not read volumes and backups: ${describeHcloudError(err)}`);
      return null;
    }
  }

  async facts(opts: {
    interactive: boolean;
    client?: HcloudClient;
    serverId?: number;
    known?: { server: ServerInfo | null; pricing: PricingInfo | null } | null;
  }): Promise<CoverageFacts> {
    const now = this.clock.now().getTime();
    const knownServer = opts.known?.server?.volumeIds !== undefined ? opts.known.server : null;
    const fresh = this.cached && now - this.cached.at < CACHE_MS;
    if (fresh && (!knownServer || this.cached!.key === keyOf(knownServer))) return this.cached!.facts;
    // The snapshots page without server details yet: no request of our own, the page's refresh brings them.
    // Details cached before they held volumes (an upgrade) are asked for once here, not after their 6 hours.
    if (opts.known && !opts.known.server) {
      if (this.cached) return this.cached.facts;
      throw new CoverageNotKnownYet();
    }
    let client = opts.client;
    let server = knownServer;
    let pricing = opts.known?.pricing ?? null;
    if (!server) {
      client ??= await this.connection.client({ interactive: opts.interactive });
      const c = client;
      // Concurrent page views share one look at the server.
      this.serverLook ??= (async () =>
        serverInfoOf(await c.getServer(opts.serverId ?? (await this.connection.serverId()))))().finally(
        () => {
          this.serverLook = null;
        },
      );
      server = await this.serverLook;
    }
    const key = keyOf(server);
    if (this.inFlight?.key === key) return this.inFlight.promise;
    const promise = (async () => {
      client ??= await this.connection.client({ interactive: opts.interactive });
      if (server.backupWindow && !pricing) pricing = pricingInfoOf(await client.getPricing(), server);
      const facts = await read(client, server, pricing);
      this.cached = { at: this.clock.now().getTime(), key, facts };
      return facts;
    })().finally(() => {
      if (this.inFlight?.promise === promise) this.inFlight = null;
    });
    this.inFlight = { key, promise };
    return promise;
  }
}

class CoverageNotKnownYet extends Error {}

function keyOf(server: ServerInfo): string {
  return `${server.id}:${(server.volumeIds ?? []).join(',')}:${server.backupWindow ?? ''}`;
}

async function read(
  client: HcloudClient,
  server: ServerInfo,
  pricing: PricingInfo | null,
): Promise<CoverageFacts> {
  const volumes: CoverageFacts['volumes'] = [];
  const unreadVolumeIds: number[] = [];
  for (const id of server.volumeIds ?? []) {
    try {
      const v = await client.getVolume(id);
      volumes.push({ id, name: v.name, sizeGb: v.size });
    } catch (err) {
      // A token that may not read volumes still learns that they exist.
      if (!(err instanceof HcloudApiError)) throw err;
      unreadVolumeIds.push(id);
    }
  }
  const enabled = Boolean(server.backupWindow);
  const backups: CoverageFacts['backups'] = {
    enabled,
    window: server.backupWindow ?? null,
    count: 0,
    sizeGb: 0,
    monthlyCost: null,
    currency: pricing?.currency ?? '',
  };
  if (enabled) {
    const images = await client.listImages({ type: 'backup', bound_to: server.id });
    backups.count = images.length;
    backups.sizeGb = images.reduce((sum, i) => sum + (i.image_size ?? 0), 0);
    backups.monthlyCost =
      pricing?.serverMonthly != null
        ? Math.round(pricing.serverMonthly * pricing.backupPercentage) / 100
        : null;
  }
  return { volumes, unreadVolumeIds, backups };
}
