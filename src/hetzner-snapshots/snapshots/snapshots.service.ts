// Owns this server's snapshots as the panel sees them: the cached list (refreshed at most every 30 s, when
// marked stale, and after the panel's own changes; one refresh at a time shared by every caller), prices
// and server details (every 6 h), and the changes an admin makes: take one now, delete, protect, keep.
// Pages and CLI commands both come through here, so they follow the same rules.
import { LimitStore } from '../limits/limit.store';
import { Inject, Injectable } from '@nestjs/common';
import { PluginLogger } from '../logging/plugin.logger';
import { CLOCK, Clock } from '../../clock/clock';
import { redactSecrets } from '../../logging/line.logger';
import {
  HetznerConnectionService,
  NoTokenError,
  NotOnHetznerError,
} from '../connection/hetzner-connection.service';
import {
  backgroundMayRun,
  describeBudget,
  listMaxAgeMs,
  type BudgetPressure,
} from '../connection/api-budget';
import { ApiUsageStore } from '../connection/api-usage.store';
import { describeHcloudError, HcloudAction, HcloudApiError, HcloudClient, HcloudImage } from '../hcloud';
import { listSnapshotsOfServer } from '../labels/server-snapshots.listing';
import { KIND_LABEL, panelSnapshotLabels, serverLabelOf, withServerLabel } from '../labels/snapshot-labels';
import { RetentionPolicy, snapshotOrigin } from '../retention/retention.policy';
import { ServerStateStore } from '../server-state/server-state.store';
import { PanelSettingsStore } from '../settings/panel-settings.store';
import { TokenDecryptionError } from '../connection/token.vault';
import { CreateRequestKeys } from './create-request-keys';
import { EndedAction, OwnActionsTracker, TrackedAction } from './own-actions.tracker';
import { defaultDescription } from './snapshot-description';
import { isDetailsRefreshDue, isListRefreshDue, LIST_MAX_AGE_MS } from './snapshot-list.freshness';
import { CachedSnapshotList, SnapshotListStore } from './snapshot-list.store';
import { SnapshotOperationError } from './snapshot-operation.error';
import { pricingInfoOf, PricingInfo, ServerInfo, serverInfoOf } from './snapshot-pricing';

/** How long a page view waits for Hetzner before showing what it has (the refresh carries on behind it). */
export const PAGE_WAIT_MS = 8_000;
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

/** Who asks, and whether a person waits on a page (one retry, short timeouts) or a command may be patient. */
export interface Caller {
  /** "admin:alice", "cli" */
  actor: string;
  interactive: boolean;
}

export type TakeSnapshotResult =
  | { kind: 'started'; image: HcloudImage; action: HcloudAction }
  /** The same form arrived again: nothing new was started. */
  | { kind: 'repeat' };

@Injectable()
export class SnapshotsService {
  private readonly logger = new PluginLogger('Snapshots');
  private readonly refreshes = new Map<number, Promise<void>>();
  /** Bumped by this process's own changes, so a refresh that started before one is not taken as fresh. */
  private readonly generations = new Map<number, number>();
  private readonly tokenProblems = new Set<number>();
  private readonly detailsFailedAt = new Map<number, number>();
  /** Servers with a "take snapshot" request between its checks and Hetzner's answer. */
  private readonly creating = new Set<number>();

  constructor(
    private readonly connection: HetznerConnectionService,
    private readonly store: SnapshotListStore,
    private readonly tracker: OwnActionsTracker,
    private readonly requestKeys: CreateRequestKeys,
    private readonly settings: PanelSettingsStore,
    private readonly serverState: ServerStateStore,
    private readonly usage: ApiUsageStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly limits: LimitStore,
  ) {}

  /** What the snapshots page shows now. Asks Hetzner only when the cached list is due for a refresh. */
  async state(): Promise<SnapshotsState> {
    const target = await this.target();
    if (target.kind !== 'ok') return target;
    const { serverId } = target;
    await waitAtMost(this.pollOwnActions(serverId), PAGE_WAIT_MS);
    let cache = await this.store.read(serverId);
    let refreshing = false;
    // While the project's budget is low, views reuse an older list: the cycles need what is left.
    const { pressure } = await this.usage.current();
    if (isListRefreshDue(cache, this.clock.now(), listMaxAgeMs(pressure, LIST_MAX_AGE_MS))) {
      refreshing = !(await waitAtMost(this.refresh(serverId, true), PAGE_WAIT_MS));
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

  /**
   * The retention policy saved in Settings, with the pruner's verdict (PanelSettingsStore's); null when the
   * stored policy cannot be used (the pruner then deletes nothing, and the page says so).
   */
  async retentionPolicy(): Promise<RetentionPolicy | null> {
    const { retention } = await this.settings.read();
    return retention.kind === 'usable' ? retention.policy : null;
  }

  get timeZone(): string {
    return this.connection.timeZone;
  }

  issueRequestKey(): string {
    return this.requestKeys.issue();
  }

  /** Marks the list stale: the next view fetches it again. */
  async markStale(serverId: number): Promise<void> {
    this.generations.set(serverId, (this.generations.get(serverId) ?? 0) + 1);
    await this.store.markStale(serverId);
  }

  /**
   * Starts a snapshot with the manual labels. A form sent twice (same request key) starts one; a snapshot
   * already running on the server (ours, or Hetzner's 423 locked) is reported as in progress.
   */
  async takeSnapshot(req: {
    description?: string;
    requestKey?: string;
    caller: Caller;
  }): Promise<TakeSnapshotResult> {
    const serverId = await this.requireServer();
    const now = this.clock.now();
    if (req.requestKey && this.requestKeys.claim(req.requestKey, now) === 'repeat') return { kind: 'repeat' };
    if (this.creating.has(serverId)) {
      throw new SnapshotOperationError(
        'in_progress',
        'A snapshot is already being started; wait for it to appear in the list.',
      );
    }
    this.creating.add(serverId);
    let createSent = false;
    try {
      const client = await this.clientOrThrow(req.caller);
      // Hetzner would refuse a second one with 423 locked anyway; ask about ours first and say more.
      if (this.tracker.runningOn(serverId).length > 0)
        await this.tracker.poll((id) => client.getAction(id), now, {
          force: true,
          onEnded: (e) => this.afterOwnActions(e),
        });
      const running = this.tracker.runningOn(serverId)[0];
      if (running) {
        throw new SnapshotOperationError(
          'in_progress',
          `A snapshot is already in progress on this server (${running.progress}% done). Wait until it is available, then take another.`,
        );
      }
      const cache = await this.store.read(serverId);
      const description = req.description || defaultDescription(cache?.server?.name ?? null, serverId, now);
      createSent = true;
      const { image, action } = await client.createImage(serverId, {
        description,
        labels: panelSnapshotLabels('manual', serverId),
      });
      this.tracker.add(action, image.id, serverId, now);
      await this.markStale(serverId);
      this.logger.log(
        `${req.caller.actor} took snapshot ${image.id} of server ${serverId} (action ${action.id})`,
      );
      return { kind: 'started', image, action };
    } catch (err) {
      // The form may be sent again only when nothing was created for sure: refused before asking Hetzner, or
      // refused by it (4xx). After a timeout, a cut connection or a 5xx the snapshot may exist: keep the key.
      const nothingCreated =
        !createSent || (err instanceof HcloudApiError && err.status >= 400 && err.status < 500);
      if (req.requestKey && nothingCreated) this.requestKeys.release(req.requestKey);
      const count = (await this.store.read(serverId).catch(() => null))?.images.length ?? null;
      await this.limits.learn(err, { resource: 'snapshot', count, at: now }).catch(() => undefined);
      throw this.operationError(err);
    } finally {
      this.creating.delete(serverId);
    }
  }

  /** For the CLI: follows a snapshot's action to the end (cheaply: 1 s, 2 s, 4 s … 30 s between polls). */
  async waitForSnapshot(
    started: { image: HcloudImage; action: HcloudAction },
    onProgress?: (progress: number) => void,
  ): Promise<HcloudImage> {
    const serverId = await this.requireServer();
    const client = await this.clientOrThrow({ actor: 'cli', interactive: false });
    try {
      await client.waitForAction(started.action, { onProgress: (a) => onProgress?.(a.progress) });
      const image = await client.getImage(started.image.id);
      await this.markStale(serverId);
      if (image.status !== 'available')
        throw new SnapshotOperationError(
          'hetzner',
          `Snapshot ${image.id} ended up ${image.status}, not available.`,
        );
      return image;
    } catch (err) {
      await this.markStale(serverId);
      throw this.operationError(err);
    }
  }

  /** A snapshot of this server, fresh from Hetzner; any other image is not_found. */
  async findSnapshot(id: number, caller: Caller): Promise<HcloudImage> {
    const serverId = await this.requireServer();
    return this.ownSnapshot(await this.clientOrThrow(caller), serverId, id);
  }

  async deleteSnapshot(id: number, caller: Caller): Promise<HcloudImage> {
    const serverId = await this.requireServer();
    const client = await this.clientOrThrow(caller);
    const image = await this.ownSnapshot(client, serverId, id);
    refuseIfMadeElsewhere(image, 'delete');
    // Checked before asking, so the refusal names the snapshot and the way out.
    if (image.protection?.delete) throw protectedError(image);
    if (image.status === 'creating') {
      throw new SnapshotOperationError(
        'not_applicable',
        `${name(image)} is still being created; it can be deleted once it is available.`,
      );
    }
    try {
      await client.deleteImage(id);
    } catch (err) {
      if (err instanceof HcloudApiError && err.status === 423 && err.code === 'protected')
        throw protectedError(image);
      // Gone already (deleted elsewhere a moment ago): what the admin wanted has happened.
      if (!(err instanceof HcloudApiError && err.status === 404)) throw this.operationError(err);
    }
    await this.markStale(serverId);
    this.logger.log(`${caller.actor} deleted snapshot ${id} of server ${serverId}`);
    return image;
  }

  /** Turns Hetzner's delete protection on or off and waits for it to take effect. */
  async setProtection(
    id: number,
    protect: boolean,
    caller: Caller,
  ): Promise<{ image: HcloudImage; changed: boolean }> {
    const serverId = await this.requireServer();
    const client = await this.clientOrThrow(caller);
    const image = await this.ownSnapshot(client, serverId, id);
    if (!protect) refuseIfMadeElsewhere(image, 'unprotect');
    if ((image.protection?.delete === true) === protect) return { image, changed: false };
    try {
      const action = await client.changeImageProtection(id, { delete: protect });
      await client.waitForAction(action);
    } catch (err) {
      throw this.operationError(err);
    } finally {
      await this.markStale(serverId);
    }
    this.logger.log(
      `${caller.actor} turned delete protection ${protect ? 'on' : 'off'} for snapshot ${id} of server ${serverId}`,
    );
    return { image, changed: true };
  }

  /** "Keep" makes an automatic snapshot one retention never removes (label kind=kept), and back. */
  async setKept(
    id: number,
    keep: boolean,
    caller: Caller,
  ): Promise<{ image: HcloudImage; changed: boolean }> {
    const serverId = await this.requireServer();
    const client = await this.clientOrThrow(caller);
    const image = await this.ownSnapshot(client, serverId, id);
    const origin = snapshotOrigin(image.labels);
    if (origin === (keep ? 'kept' : 'auto')) return { image, changed: false };
    if (keep && origin !== 'auto') {
      throw new SnapshotOperationError(
        'not_applicable',
        `${name(image)} is not an automatic snapshot; retention never removes it, so there is nothing to keep.`,
      );
    }
    if (!keep && origin !== 'kept')
      throw new SnapshotOperationError('not_applicable', `${name(image)} is not marked to keep.`);
    try {
      // Every other label stays as it is: they may belong to other tools. The server label is added when
      // missing, never changed: one that disagrees with the source stays, so retention keeps doubting it.
      const changed = { ...image.labels, [KIND_LABEL]: keep ? 'kept' : 'auto' };
      const labels = serverLabelOf(changed) === 'absent' ? withServerLabel(changed, serverId) : changed;
      await client.updateImage(id, { labels });
    } catch (err) {
      throw this.operationError(err);
    } finally {
      await this.markStale(serverId);
    }
    this.logger.log(
      `${caller.actor} ${keep ? 'marked snapshot to keep' : 'returned snapshot to retention'}: ${id} of server ${serverId}`,
    );
    return { image, changed: true };
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
      if (err instanceof HcloudApiError && (err.status === 401 || err.status === 403))
        this.tokenProblems.add(serverId);
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
  private async afterOwnActions(ended: EndedAction[]): Promise<void> {
    for (const e of ended) if (!e.ok) this.logger.warn(`snapshot ${e.tracked.imageId} failed: ${e.message}`);
    for (const serverId of new Set(ended.map((e) => e.tracked.serverId))) await this.markStale(serverId);
  }

  private async target(): Promise<
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

  private async requireServer(): Promise<number> {
    const target = await this.target();
    if (target.kind === 'no-token')
      throw new SnapshotOperationError('no_token', target.message ?? new NoTokenError().message);
    if (target.kind === 'not-on-hetzner') throw new SnapshotOperationError('not_on_hetzner', target.message);
    return target.serverId;
  }

  private async clientOrThrow(caller: Caller): Promise<HcloudClient> {
    try {
      return await this.connection.client({ interactive: caller.interactive });
    } catch (err) {
      throw this.operationError(err);
    }
  }

  private async ownSnapshot(client: HcloudClient, serverId: number, id: number): Promise<HcloudImage> {
    let image: HcloudImage;
    try {
      image = await client.getImage(id);
    } catch (err) {
      if (err instanceof HcloudApiError && err.status === 404) throw notFound(id);
      throw this.operationError(err);
    }
    // Only this server's snapshots may be touched from here; anything else does not exist for this page.
    if (image.type !== 'snapshot' || image.created_from?.id !== serverId) throw notFound(id);
    return image;
  }

  private operationError(err: unknown): SnapshotOperationError {
    if (err instanceof SnapshotOperationError) return err;
    if (err instanceof NoTokenError || err instanceof TokenDecryptionError)
      return new SnapshotOperationError('no_token', err.message);
    if (err instanceof NotOnHetznerError) return new SnapshotOperationError('not_on_hetzner', err.message);
    if (err instanceof HcloudApiError && err.status === 423 && err.code === 'locked') {
      return new SnapshotOperationError(
        'in_progress',
        'A snapshot or another action is already in progress on this server. Wait until it has finished, then try again.',
      );
    }
    return new SnapshotOperationError('hetzner', redactSecrets(describeHcloudError(err)));
  }
}

function name(image: HcloudImage): string {
  return image.description ? `Snapshot “${image.description}” (${image.id})` : `Snapshot ${image.id}`;
}

function protectedError(image: HcloudImage): SnapshotOperationError {
  return new SnapshotOperationError(
    'protected',
    `${name(image)} is protected against deletion. Remove its protection first, then delete it.`,
  );
}

function notFound(id: number): SnapshotOperationError {
  return new SnapshotOperationError('not_found', `There is no snapshot ${id} of this server.`);
}

/** True when `work` finished within `ms`. A real timer: it bounds how long a person waits, not domain time. */
async function waitAtMost(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
    timer.unref();
  });
  try {
    return await Promise.race([work.then(() => true as const), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The panel never touches what is not its own: a snapshot made in the Console, with hcloud or by another tool
 * is shown, and may be protected or restored from, but this panel neither deletes it nor lowers its protection.
 */
function refuseIfMadeElsewhere(image: HcloudImage, what: 'delete' | 'unprotect'): void {
  if (snapshotOrigin(image.labels ?? {}) !== 'external') return;
  throw new SnapshotOperationError(
    'not_applicable',
    `${name(image)} was made elsewhere (the Hetzner Console, hcloud or another tool), so this panel does not ${what === 'delete' ? 'delete it' : 'turn off its protection'}. Do that in the Hetzner Console if you mean it.`,
  );
}
