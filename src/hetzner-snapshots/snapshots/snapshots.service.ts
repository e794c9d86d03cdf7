// The changes an admin makes to this server's snapshots: take one now (a form sent twice starts one), delete,
// protect, keep; each checked against Hetzner's current view of the snapshot, never the cached list. Pages
// and CLI commands both come through here, so they follow the same rules. The list itself: SnapshotListingService.
import { Inject, Injectable } from '@nestjs/common';
import { LimitStore } from '../limits/limit.store';
import { CLOCK, Clock } from '../../clock/clock';
import { redactSecrets } from '../../logging/line.logger';
import {
  HetznerConnectionService,
  NoTokenError,
  NotOnHetznerError,
} from '../connection/hetzner-connection.service';
import { describeHcloudError, HcloudAction, HcloudClient, HcloudImage, isHcloudError } from '../hcloud';
import {
  KIND_LABEL,
  panelMayDeleteOrUnprotect,
  panelSnapshotLabels,
  serverLabelOf,
  snapshotOrigin,
  withServerLabel,
} from '../labels/snapshot-labels';
import { PluginLogger } from '../logging/plugin.logger';
import { RetentionPolicy } from '../retention/retention.policy';
import { PanelSettingsStore } from '../settings/panel-settings.store';
import { TokenDecryptionError } from '../connection/token.vault';
import { CreateRequestKeys } from './create-request-keys';
import { OwnActionsTracker } from './own-actions.tracker';
import { defaultDescription } from './snapshot-description';
import { SnapshotListingService } from './snapshot-listing.service';
import { SnapshotListStore } from '../snapshot-list/snapshot-list.store';
import { SnapshotOperationError } from './snapshot-operation.error';

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
  /** Servers with a "take snapshot" request between its checks and Hetzner's answer. */
  private readonly creating = new Set<number>();

  constructor(
    private readonly connection: HetznerConnectionService,
    private readonly store: SnapshotListStore,
    private readonly tracker: OwnActionsTracker,
    private readonly requestKeys: CreateRequestKeys,
    private readonly settings: PanelSettingsStore,
    private readonly listing: SnapshotListingService,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly limits: LimitStore,
  ) {}

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

  /**
   * Starts a snapshot with the manual labels. A form sent twice (same request key) starts one; a snapshot
   * already running on the server (ours, or Hetzner's 423 locked) is reported as in progress.
   */
  async takeSnapshot(req: {
    description?: string;
    requestKey?: string;
    caller: Caller;
  }): Promise<TakeSnapshotResult> {
    const serverId = await this.listing.requireServer();
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
          onEnded: (e) => this.listing.afterOwnActions(e),
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
      await this.listing.markStale(serverId);
      this.logger.log(
        `${req.caller.actor} took snapshot ${image.id} of server ${serverId} (action ${action.id})`,
      );
      return { kind: 'started', image, action };
    } catch (err) {
      // The form may be sent again only when nothing was created for sure: refused before asking Hetzner, or
      // refused by it (4xx). After a timeout, a cut connection or a 5xx the snapshot may exist: keep the key.
      const nothingCreated = !createSent || (isHcloudError(err) && err.status >= 400 && err.status < 500);
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
    const serverId = await this.listing.requireServer();
    const client = await this.clientOrThrow({ actor: 'cli', interactive: false });
    try {
      await client.waitForAction(started.action, { onProgress: (a) => onProgress?.(a.progress) });
      const image = await client.getImage(started.image.id);
      await this.listing.markStale(serverId);
      if (image.status !== 'available')
        throw new SnapshotOperationError(
          'hetzner',
          `Snapshot ${image.id} ended up ${image.status}, not available.`,
        );
      return image;
    } catch (err) {
      await this.listing.markStale(serverId);
      throw this.operationError(err);
    }
  }

  /** A snapshot of this server, fresh from Hetzner; any other image is not_found. */
  async findSnapshot(id: number, caller: Caller): Promise<HcloudImage> {
    const serverId = await this.listing.requireServer();
    return this.ownSnapshot(await this.clientOrThrow(caller), serverId, id);
  }

  async deleteSnapshot(id: number, caller: Caller): Promise<HcloudImage> {
    const serverId = await this.listing.requireServer();
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
      if (isHcloudError(err, 'protected')) throw protectedError(image);
      // Gone already (deleted elsewhere a moment ago): what the admin wanted has happened.
      if (!isHcloudError(err, 'not_found')) throw this.operationError(err);
    }
    await this.listing.markStale(serverId);
    this.logger.log(`${caller.actor} deleted snapshot ${id} of server ${serverId}`);
    return image;
  }

  /** Turns Hetzner's delete protection on or off and waits for it to take effect. */
  async setProtection(
    id: number,
    protect: boolean,
    caller: Caller,
  ): Promise<{ image: HcloudImage; changed: boolean }> {
    const serverId = await this.listing.requireServer();
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
      await this.listing.markStale(serverId);
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
    const serverId = await this.listing.requireServer();
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
      await this.listing.markStale(serverId);
    }
    this.logger.log(
      `${caller.actor} ${keep ? 'marked snapshot to keep' : 'returned snapshot to retention'}: ${id} of server ${serverId}`,
    );
    return { image, changed: true };
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
      if (isHcloudError(err, 'not_found')) throw notFound(id);
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
    if (isHcloudError(err, 'locked')) {
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

/**
 * The panel never touches what is not its own: a snapshot made in the Console, with hcloud or by another tool
 * is shown, and may be protected or restored from, but this panel neither deletes it nor lowers its protection.
 */
function refuseIfMadeElsewhere(image: HcloudImage, what: 'delete' | 'unprotect'): void {
  if (panelMayDeleteOrUnprotect(image.labels)) return;
  throw new SnapshotOperationError(
    'not_applicable',
    `${name(image)} was made elsewhere (the Hetzner Console, hcloud or another tool), so this panel does not ${what === 'delete' ? 'delete it' : 'turn off its protection'}. Do that in the Hetzner Console if you mean it.`,
  );
}
