// Owns "rebuild this server from one of its snapshots": what the confirmation page shows, and the restore
// job itself (an optional safety snapshot, waited for, then Hetzner's rebuild action). The job runs in the
// background so a reverse proxy's timeout cannot cut it off; the page follows it. One job per process.
import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { PluginLogger } from '../logging/plugin.logger';
import { CLOCK, Clock } from '../../clock/clock';
import { connectionUnavailable, HetznerConnectionService } from '../connection/hetzner-connection.service';
import { describeHcloudError, HcloudClient, HcloudImage, HcloudServer, isHcloudError } from '../hcloud';
import { CodedError } from '../../errors/coded.error';
import { LeaseService } from '../lease/lease.service';
import { CYCLE_LEASE, CYCLE_LEASE_TTL_MS } from '../lease/cycle-lease';
import { LimitStore } from '../limits/limit.store';
import { SnapshotListStore } from '../snapshot-list/snapshot-list.store';
import { estimateRestoreMinutes } from '../verify/drill.rules';
import { DrillRunStore } from '../verify/drill-run.store';
import {
  confirmsServerName,
  RestoreBlocker,
  restoreBlocker,
  RestoreCheck,
  restoreChecks,
  safetySnapshotLabels,
  safetySnapshotDescription,
} from './restore.rules';

export type RestoreErrorCode =
  'not_found' | 'unavailable' | 'blocked' | 'wrong_name' | 'busy' | 'cycle_running';

/** Why a restore cannot start. `unavailable` covers no token, not on Hetzner and Hetzner errors (in words). */
export class RestoreError extends CodedError<RestoreErrorCode> {}

export interface RestoreTarget {
  server: HcloudServer;
  image: HcloudImage;
  /** The first failed check that applies whatever the form says (the safety snapshot's is judged at start). */
  blocker: RestoreBlocker | null;
  /** Every check, with the safety snapshot's; shown before the typed confirmation. */
  checks: RestoreCheck[];
  /** "about 3 minutes", from the size and, when there is one, the last drill's measured boot. */
  estimateMinutes: number;
}

export type RestorePhase = 'safety-snapshot' | 'rebuilding' | 'started' | 'finished' | 'failed';

export interface RestoreJob {
  imageId: number;
  imageDescription: string;
  serverId: number;
  serverName: string;
  actor: string;
  startedAt: Date;
  phase: RestorePhase;
  /** null when the admin chose to skip it. */
  safety: { imageId: number | null; actionId: number | null; progress: number; done: boolean } | null;
  rebuildActionId: number | null;
  /** 0..100 while the rebuild action runs. */
  rebuildProgress: number;
  /** Set when phase is 'failed': a sentence for the admin. */
  error: string | null;
}

@Injectable()
export class RestoreService implements OnModuleDestroy {
  private readonly logger = new PluginLogger('Restore');
  private job: RestoreJob | null = null;
  private starting = false;
  private running: Promise<void> | null = null;
  private readonly abort = new AbortController();

  /** Hetzner's new root password, when it returned one: handed out once (takeRootPassword), never logged. */
  private rootPassword: string | null = null;

  constructor(
    private readonly connection: HetznerConnectionService,
    private readonly leases: LeaseService,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly limits: LimitStore,
    private readonly drills: DrillRunStore,
    private readonly snapshotList: SnapshotListStore,
  ) {}

  /** The root password Hetzner returned for the rebuild, once: the next call returns null. */
  takeRootPassword(): string | null {
    const password = this.rootPassword;
    this.rootPassword = null;
    return password;
  }

  onModuleDestroy(): void {
    // Stops waiting for the safety snapshot; Hetzner finishes it anyway, and the rebuild is then not sent.
    this.abort.abort(new Error('the panel is shutting down'));
  }

  /**
   * This server's snapshots, counted from the snapshots page's cached list when there is one (the page warns
   * from the same count); only without one are they listed, page by page, inside the confirmation's budget.
   */
  private async snapshotCount(client: HcloudClient, serverId: number): Promise<number> {
    const cached = await this.snapshotList.read(serverId);
    if (cached) return cached.images.length;
    return (await client.listImages({ type: 'snapshot' })).filter((i) => i.created_from?.id === serverId)
      .length;
  }

  /** The server and the snapshot as Hetzner has them now, and whether one may replace the other's disk. */
  async target(imageId: number): Promise<RestoreTarget> {
    // The confirmation page waits on this: the interactive profile (about 5 s in all), not the job's patience.
    const { client, serverId } = await this.connect({ interactive: true });
    try {
      const [server, image] = await Promise.all([client.getServer(serverId), client.getImage(imageId)]);
      const known = await this.limits.knownLimit('snapshot');
      // The snapshot count is only worth a listing when a limit was ever hit.
      const warning =
        known === null
          ? null
          : await this.limits.snapshotWarning(await this.snapshotCount(client, server.id));
      const safety = {
        rateLimitRemaining: client.lastRateLimit?.remaining ?? null,
        limitRefusal: warning?.refusedNext ? warning.text : null,
      };
      const measured = await this.drills.latestPassed();
      return {
        server,
        image,
        blocker: restoreBlocker(image, server),
        checks: restoreChecks(image, server, safety),
        estimateMinutes: estimateRestoreMinutes(
          image.image_size,
          measured?.bootSeconds != null
            ? { bootSeconds: measured.bootSeconds, imageSizeGb: measured.imageSizeGb }
            : null,
        ),
      };
    } catch (err) {
      if (isHcloudError(err, 'not_found') && err.path?.startsWith('/images/')) {
        throw new RestoreError('not_found', `There is no snapshot ${imageId} in this project.`);
      }
      throw new RestoreError('unavailable', describeHcloudError(err));
    }
  }

  /**
   * Checks the target (as just loaded by target()) and the typed name, takes the snapshot cycle's lease (so no
   * automatic snapshot starts between the safety snapshot and the rebuild), starts the job and returns.
   */
  async start(opts: {
    target: RestoreTarget;
    confirmServerName: string;
    safetySnapshot: boolean;
    actor: string;
  }): Promise<RestoreJob> {
    const { server, image, blocker, checks } = opts.target;
    if (blocker) throw new RestoreError('blocked', blocker.message);
    // The safety snapshot's check counts only when one is taken.
    const safetyCheck = checks.find((c) => c.code === 'safety_snapshot' && !c.ok);
    if (opts.safetySnapshot && safetyCheck) throw new RestoreError('blocked', safetyCheck.message);
    if (!confirmsServerName(opts.confirmServerName, server))
      throw new RestoreError('wrong_name', `That is not this server's name. Type ${server.name} to confirm.`);
    // The slot is taken before the first await: two quick submits cannot both start a rebuild.
    if (this.starting || this.running !== null)
      throw new RestoreError('busy', 'A restore is already under way; follow it on its page.');
    this.starting = true;
    try {
      const lease = await this.leases.tryHold(CYCLE_LEASE, CYCLE_LEASE_TTL_MS);
      if (!lease) {
        throw new RestoreError(
          'cycle_running',
          'An automatic snapshot cycle is running on this server right now; try again when it has finished (see History).',
        );
      }
      const job: RestoreJob = {
        imageId: image.id,
        imageDescription: image.description,
        serverId: server.id,
        serverName: server.name,
        actor: opts.actor,
        startedAt: this.clock.now(),
        phase: opts.safetySnapshot ? 'safety-snapshot' : 'rebuilding',
        safety: opts.safetySnapshot ? { imageId: null, actionId: null, progress: 0, done: false } : null,
        rebuildActionId: null,
        rebuildProgress: 0,
        error: null,
      };
      this.rootPassword = null;
      this.job = job;
      this.logger.log(
        `restore of server ${server.id} from snapshot ${image.id} requested by ${opts.actor}${opts.safetySnapshot ? '' : ' (without a safety snapshot)'}`,
      );
      const running: Promise<void> = this.carryOut(job).finally(async () => {
        await lease.release();
        if (this.running === running) this.running = null;
      });
      this.running = running;
      return this.current()!;
    } finally {
      this.starting = false;
    }
  }

  /** A copy of the latest job (running, started or failed), or null. */
  current(): RestoreJob | null {
    return this.job ? { ...this.job, safety: this.job.safety && { ...this.job.safety } } : null;
  }

  /** Resolves when no job is running: for tests and for an orderly shutdown. */
  async whenIdle(): Promise<void> {
    await this.running;
  }

  private async carryOut(job: RestoreJob): Promise<void> {
    let client: HcloudClient;
    try {
      client = (await this.connect({ interactive: false })).client;
    } catch (err) {
      return this.fail(job, err instanceof Error ? err.message : String(err));
    }
    if (job.safety) {
      const safety = job.safety;
      try {
        const created = await client.createImage(job.serverId, {
          description: safetySnapshotDescription({ id: job.imageId }, this.clock.now()),
          labels: safetySnapshotLabels(job.serverId),
        });
        safety.imageId = created.image.id;
        safety.actionId = created.action.id;
        await client.waitForAction(created.action, {
          signal: this.abort.signal,
          onProgress: (a) => (safety.progress = a.progress),
        });
        safety.done = true;
        safety.progress = 100;
        job.phase = 'rebuilding';
        this.logger.log(
          `restore: safety snapshot ${created.image.id} of server ${job.serverId} is available`,
        );
      } catch (err) {
        return this.fail(
          job,
          `The safety snapshot did not complete, so nothing was rebuilt: ${describeHcloudError(err)}`,
        );
      }
    }
    try {
      const { action, rootPassword } = await client.rebuildServer(job.serverId, job.imageId);
      job.rebuildActionId = action.id;
      job.phase = 'started';
      this.rootPassword = rootPassword;
      this.logger.log(
        `restore: Hetzner started rebuilding server ${job.serverId} from snapshot ${job.imageId} (action ${action.id}); the server reboots now`,
      );
      // Followed to its end while this process lives (on the server being rebuilt it stops with it).
      try {
        await client.waitForAction(action, {
          signal: this.abort.signal,
          onProgress: (a) => (job.rebuildProgress = a.progress),
        });
        job.rebuildProgress = 100;
        job.phase = 'finished';
        this.logger.log(`restore: rebuild of server ${job.serverId} from snapshot ${job.imageId} finished`);
      } catch (err) {
        if (this.abort.signal.aborted) return;
        this.fail(job, `Hetzner's rebuild action ${action.id} did not succeed: ${describeHcloudError(err)}`);
      }
      return;
    } catch (err) {
      // The generic sentence for 423 protected speaks of deletion protection; for a rebuild it is the server's.
      const reason = isHcloudError(err, 'protected')
        ? 'the server is protected against rebuilding; turn that protection off in the Hetzner Console first.'
        : describeHcloudError(err);
      this.fail(job, `Hetzner did not start the rebuild, so the disk is unchanged: ${reason}`);
    }
  }

  private fail(job: RestoreJob, message: string): void {
    job.phase = 'failed';
    job.error = message;
    this.logger.warn(`restore of server ${job.serverId} from snapshot ${job.imageId} failed: ${message}`);
  }

  private async connect(opts: { interactive: boolean }): Promise<{ client: HcloudClient; serverId: number }> {
    try {
      const serverId = await this.connection.serverId();
      return { client: await this.connection.client(opts), serverId };
    } catch (err) {
      if (connectionUnavailable(err)) throw new RestoreError('unavailable', err.message);
      throw err;
    }
  }
}
