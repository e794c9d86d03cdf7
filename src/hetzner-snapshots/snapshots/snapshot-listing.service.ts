// This server's snapshot list as the panel sees it: cached in SQLite, refreshed at most every 30 s (longer
// while the project's API budget is low), when marked stale and after the panel's own changes; one refresh
// at a time shared by every caller; prices and server details every 6 h. Pages and the CLI read it here.
import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, Clock } from '../../clock/clock';
import { redactSecrets } from '../../logging/line.logger';
import {
  backgroundMayRun,
  describeBudget,
  listMaxAgeMs,
  type BudgetPressure,
} from '../connection/api-budget';
import { ApiUsageStore } from '../connection/api-usage.store';
import {
  HetznerConnectionService,
  NoTokenError,
  NotOnHetznerError,
} from '../connection/hetzner-connection.service';
import { describeHcloudError, HcloudClient, HcloudImage, isHcloudError } from '../hcloud';
import { listSnapshotsOfServer } from '../labels/server-snapshots.listing';
import { PluginLogger } from '../logging/plugin.logger';
import { ServerStateStore } from '../server-state/server-state.store';
import { TokenDecryptionError } from '../connection/token.vault';
import { EndedAction, OwnActionsTracker, TrackedAction } from './own-actions.tracker';
import { isDetailsRefreshDue, isListRefreshDue, LIST_MAX_AGE_MS } from './snapshot-list.freshness';
import { CachedSnapshotList, SnapshotListStore } from '../snapshot-list/snapshot-list.store';
import { SnapshotOperationError } from './snapshot-operation.error';
import { pricingInfoOf, PricingInfo, ServerInfo, serverInfoOf } from '../snapshot-list/snapshot-pricing';
import { PageDeadline } from './page-deadline';

/** After prices or server details could not be fetched, try again this much later, not on every refresh. */
const DETAILS_RETRY_MS = 10 * 60_000;

export interface SnapshotListing {
  serverId: number;
  server: ServerInfo | null;
  images: HcloudImage[];
  /** When `images` was fetched. */
  listedAt: Date;
  /** The last refresh failed: `images` is the last known list. */
  lastError: string | null;
  lastErrorAt: Date | null;
  /** The token was refused: the way forward is Settings. */
  tokenProblem: boolean;
  pricing: PricingInfo | null;
  /** Progress of snapshots this process is creating, by image id. */
  progress: Map<number, number>;
  ownRunning: TrackedAction[];
  /** Snapshots this process started that failed recently, in words. */
  recentFailures: string[];
  /** A refresh is still running behind this answer. */
  refreshing: boolean;
  /** The project's API budget as last seen, and what this panel spent in the last hour. */
  budget: { pressure: BudgetPressure; line: string };
}

export type SnapshotsState =
  | { kind: 'no-token'; message: string | null }
  | { kind: 'not-on-hetzner'; message: string }
  /** No list yet and the first refresh has not finished. */
  | { kind: 'loading'; serverId: number }
  /** No list yet and the last attempt failed. */
  | { kind: 'unavailable'; serverId: number; message: string; at: Date; tokenProblem: boolean }
  | { kind: 'list'; listing: SnapshotListing };

@Injectable()
export class SnapshotListingService {
  private readonly logger = new PluginLogger('Snapshots');
  private readonly refreshes = new Map<number, Promise<void>>();
  /** Bumped by this process's own changes, so a refresh that started before one is not taken as fresh. */
  private readonly generations = new Map<number, number>();
  private readonly tokenProblems = new Set<number>();
  private readonly detailsFailedAt = new Map<number, number>();

  constructor(
    private readonly connection: HetznerConnectionService,
    private readonly store: SnapshotListStore,
    private readonly tracker: OwnActionsTracker,
    private readonly serverState: ServerStateStore,
    private readonly usage: ApiUsageStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /**
   * What the snapshots page shows now. Asks Hetzner only when the cached list is due for a refresh, and waits
   * for it no longer than the page's deadline (shared with the rest of the page).
   */
  async state(deadline: PageDeadline = new PageDeadline()): Promise<SnapshotsState> {
    const target = await this.target();
    if (target.kind !== 'ok') return target;
    const { serverId } = target;
    await deadline.finishes(this.pollOwnActions(serverId));
    let cache = await this.store.read(serverId);
    let refreshing = false;
    // While the project's budget is low, views reuse an older list: the cycles need what is left.
    const { pressure } = await this.usage.current();
    if (isListRefreshDue(cache, this.clock.now(), listMaxAgeMs(pressure, LIST_MAX_AGE_MS))) {
      refreshing = !(await deadline.finishes(this.refresh(serverId, true)));
      cache = await this.store.read(serverId);
    }
    if (!cache?.listedAt) {
      if (cache?.lastError && cache.lastErrorAt && !refreshing) {
        return {
          kind: 'unavailable',
          serverId,
          message: cache.lastError,
          at: cache.lastErrorAt,
          tokenProblem: this.tokenProblems.has(serverId),
        };
      }
      return { kind: 'loading', serverId };
    }
    return { kind: 'list', listing: await this.listingOf(cache, cache.listedAt, refreshing) };
  }

  /** For the CLI: a fresh list, or the last known one with the reason it could not be refreshed. */
  async freshListing(): Promise<SnapshotListing> {
    const serverId = await this.requireServer();
    await this.refresh(serverId, false);
    const cache = await this.store.read(serverId);
    if (!cache?.listedAt)
      throw new SnapshotOperationError(
        'hetzner',
        cache?.lastError ?? 'The snapshot list could not be fetched.',
      );
    return await this.listingOf(cache, cache.listedAt, false);
  }

  /** Marks the list stale: the next view fetches it again. */
  async markStale(serverId: number): Promise<void> {
    this.generations.set(serverId, (this.generations.get(serverId) ?? 0) + 1);
    await this.store.markStale(serverId);
  }

  /** This server, or why there is none to list (no token, not on Hetzner). */
  async target(): Promise<
    { kind: 'ok'; serverId: number } | Extract<SnapshotsState, { kind: 'no-token' | 'not-on-hetzner' }>
  > {
    try {
      if (!(await this.connection.effectiveToken())) return { kind: 'no-token', message: null };
    } catch (err) {
      if (err instanceof TokenDecryptionError) return { kind: 'no-token', message: err.message };
      throw err;
    }
    try {
      return { kind: 'ok', serverId: await this.connection.serverId() };
    } catch (err) {
      if (err instanceof NotOnHetznerError) return { kind: 'not-on-hetzner', message: err.message };
      throw err;
    }
  }

  /** This server's id, or a SnapshotOperationError saying why there is none. */
  async requireServer(): Promise<number> {
    const target = await this.target();
    if (target.kind === 'no-token')
      throw new SnapshotOperationError('no_token', target.message ?? new NoTokenError().message);
    if (target.kind === 'not-on-hetzner') throw new SnapshotOperationError('not_on_hetzner', target.message);
    return target.serverId;
  }

  private async listingOf(
    cache: CachedSnapshotList,
    listedAt: Date,
    refreshing: boolean,
  ): Promise<SnapshotListing> {
    const { serverId } = cache;
    const usage = await this.usage.current();
    const failedSinceListing =
      cache.lastError !== null &&
      cache.lastErrorAt !== null &&
      cache.lastErrorAt.getTime() >= listedAt.getTime();
    return {
      serverId,
      server: cache.server,
      images: cache.images,
      listedAt,
      lastError: failedSinceListing ? cache.lastError : null,
      lastErrorAt: failedSinceListing ? cache.lastErrorAt : null,
      tokenProblem: failedSinceListing && this.tokenProblems.has(serverId),
      pricing: cache.pricing,
      progress: this.tracker.progressByImage(serverId),
      ownRunning: this.tracker.runningOn(serverId),
      recentFailures: this.tracker.recentFailures(serverId, this.clock.now()),
      refreshing,
      budget: {
        pressure: usage.pressure,
        line: describeBudget({ seen: usage.seen, now: this.clock.now(), spentLastHour: usage.spentLastHour }),
      },
    };
  }

  /** One refresh per server at a time: callers arriving meanwhile share it. Never rejects. */
  private refresh(serverId: number, interactive: boolean): Promise<void> {
    let running = this.refreshes.get(serverId);
    if (!running) {
      running = this.fetchList(serverId, interactive)
        .catch((err: unknown) =>
          this.logger.error(`refreshing the snapshot list failed: ${describeHcloudError(err)}`),
        )
        .finally(() => this.refreshes.delete(serverId));
      this.refreshes.set(serverId, running);
    }
    return running;
  }

  private async fetchList(serverId: number, interactive: boolean): Promise<void> {
    const generation = this.generations.get(serverId) ?? 0;
    const startedAt = this.clock.now();
    let client: HcloudClient;
    try {
      client = await this.connection.client({ interactive });
      const mine = await listSnapshotsOfServer(client, serverId, {
        byLabel: await this.serverState.labelsBackfilled(serverId),
      });
      const changedMeanwhile = (this.generations.get(serverId) ?? 0) !== generation;
      await this.store.saveListing(serverId, mine, startedAt, { stale: changedMeanwhile });
      this.tokenProblems.delete(serverId);
    } catch (err) {
      const message = redactSecrets(describeHcloudError(err));
      if (isHcloudError(err) && (err.status === 401 || err.status === 403)) this.tokenProblems.add(serverId);
      this.logger.warn(`could not refresh the snapshot list of server ${serverId}: ${message}`);
      await this.store.saveFailure(serverId, message, this.clock.now());
      return;
    }
    await this.refreshDetails(client, serverId);
  }

  /** Prices and the server's type and location: rarely, and a failure here never hides the list. */
  private async refreshDetails(client: HcloudClient, serverId: number): Promise<void> {
    const now = this.clock.now();
    const cache = await this.store.read(serverId);
    if (!isDetailsRefreshDue(cache?.detailsFetchedAt ?? null, now)) return;
    // Prices can wait for a better hour; the list itself is what a person came for.
    if (!backgroundMayRun((await this.usage.current()).pressure)) return;
    const failedAt = this.detailsFailedAt.get(serverId);
    if (failedAt !== undefined && now.getTime() - failedAt < DETAILS_RETRY_MS && now.getTime() >= failedAt)
      return;
    try {
      const fetched = await client.getServer(serverId);
      await this.serverState.saveServerName(serverId, fetched.name, now);
      const server = serverInfoOf(fetched);
      const pricing = pricingInfoOf(await client.getPricing(), server);
      await this.store.saveDetails(serverId, { pricing, server }, now);
      this.detailsFailedAt.delete(serverId);
    } catch (err) {
      this.detailsFailedAt.set(serverId, now.getTime());
      this.logger.warn(
        `could not fetch prices for server ${serverId}: ${redactSecrets(describeHcloudError(err))}`,
      );
    }
  }

  /** Polls the actions this process started (at most every 5 s); when one ended, the list is due again. */
  private async pollOwnActions(serverId: number): Promise<void> {
    if (this.tracker.runningOn(serverId).length === 0) return;
    try {
      const client = await this.connection.client({ interactive: true });
      await this.tracker.poll((id) => client.getAction(id), this.clock.now(), {
        onEnded: (e) => this.afterOwnActions(e),
      });
    } catch (err) {
      this.logger.warn(`could not poll snapshot progress: ${redactSecrets(describeHcloudError(err))}`);
    }
  }

  /** A snapshot of ours has finished (or failed): the list is fetched again at once, not in up to 30 s. */
  async afterOwnActions(ended: EndedAction[]): Promise<void> {
    for (const e of ended) if (!e.ok) this.logger.warn(`snapshot ${e.tracked.imageId} failed: ${e.message}`);
    for (const serverId of new Set(ended.map((e) => e.tracked.serverId))) await this.markStale(serverId);
  }
}
