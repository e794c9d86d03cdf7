// Owns restore drills: "does this snapshot boot?" answered from the API alone. A drill takes the drill lease,
// cleans up drill servers a crash left behind, plans (server type, cost), records itself, creates a temporary
// server from the snapshot, records its id at once, waits until it runs, optionally knocks on a TCP port,
// deletes it and records time to boot, result and cost. A failed drill emits DRILL_FAILED_EVENT.
import { Inject, Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { PluginLogger } from '../logging/plugin.logger';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { CLOCK, Clock } from '../../clock/clock';
import { connectionUnavailable, HetznerConnectionService } from '../connection/hetzner-connection.service';
import { describeHcloudError, HcloudApiError, HcloudClient, HcloudImage, HcloudServer } from '../hcloud';
import { HETZNER_SNAPSHOTS_OPTIONS, HetznerSnapshotsModuleOptions } from '../hetzner-snapshots.options';
import { HeldLease, LeaseService } from '../lease/lease.service';
import { describeLimitError, isLimitError } from '../limits/limit.rules';
import { LimitStore } from '../limits/limit.store';
import {
  drillCost,
  drillServerLabels,
  drillServerName,
  formatMoney,
  isDrillDue,
  LeftoverDrillServer,
  newestAutomaticSnapshot,
} from './drill.rules';
import { DRILL_PORT_DEADLINE_MS, knockOnPort, waitUntilRunning } from './drill-boot.watch';
import { DrillError } from './drill.error';
import { DRILL_LEASE, DRILL_LEASE_TTL_MS } from './drill-lease';
import { deleteDrillLeftovers, findDrillLeftovers } from './drill-leftovers';
import { buildDrillPlan, type DrillPlan, drillStartOf } from './drill.plan';
import { DrillRun, DrillTrigger } from './drill-run.entity';
import { DrillRunStore } from './drill-run.store';
import { DRILL_FAILED_EVENT, DRILL_PASSED_EVENT, DrillFailedEvent, DrillPassedEvent } from './drill.events';
import { TCP_PROBE, TcpProbe } from './tcp-port.probe';

/** How often the serving process looks whether a scheduled drill is due. */
const SCHEDULE_TICK_MS = 60 * 60_000;

export { DRILL_FAILED_EVENT, DRILL_PASSED_EVENT } from './drill.events';
export type { DrillFailedEvent } from './drill.events';
// The plan, the boot watch and the crash clean-up have files of their own; their names stay importable from here.
export { DRILL_LEASE, DRILL_LEASE_TTL_MS } from './drill-lease';
export { DRILL_BOOT_DEADLINE_MS, DRILL_PORT_DEADLINE_MS } from './drill-boot.watch';
export { DrillError, type DrillErrorCode } from './drill.error';
export type { DrillPlan } from './drill.plan';

@Injectable()
export class DrillService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new PluginLogger('Drill');
  private readonly abort = new AbortController();
  private running: Promise<DrillRun> | null = null;
  private activeServerId: number | null = null;
  private startup: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly connection: HetznerConnectionService,
    private readonly leases: LeaseService,
    private readonly store: DrillRunStore,
    private readonly events: EventEmitter2,
    @Inject(HETZNER_SNAPSHOTS_OPTIONS) private readonly options: HetznerSnapshotsModuleOptions,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(TCP_PROBE) private readonly probe: TcpProbe,
    private readonly limits: LimitStore,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.options.runScheduler) return;
    // First thing after a start: delete drill servers a crash left behind (not awaited: start-up must not wait
    // for Hetzner; tests await whenStarted()).
    this.startup = this.cleanUpIfInterrupted()
      .then((deleted) => {
        if (deleted.length > 0)
          this.logger.warn(`deleted ${deleted.length} drill server(s) left behind by the last stop`);
      })
      .catch((err: unknown) => this.logger.warn(`drill clean-up at start failed: ${(err as Error).message}`));
    this.timer = setInterval(() => void this.runScheduledIfDue(), SCHEDULE_TICK_MS);
    this.timer.unref();
  }

  whenStarted(): Promise<void> {
    return this.startup;
  }

  async onModuleDestroy(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    // Stops waiting; the drill still deletes its server on the way out.
    this.abort.abort(new Error('the panel is shutting down'));
    await this.startup;
    await this.running?.catch(() => undefined);
  }

  /** Resolves when no drill runs in this process. */
  async whenIdle(): Promise<void> {
    await this.running?.catch(() => undefined);
  }

  /** The plan for the confirmation page and `verify`: server type and cost, from the API, nothing created. */
  async plan(imageId: number, opts: { interactive: boolean }): Promise<DrillPlan> {
    const { client, serverId } = await this.connect(opts);
    return this.planWith(client, serverId, imageId);
  }

  /**
   * Starts a drill and returns once it is recorded (the server is being created); `done` settles when the
   * temporary server is deleted and the outcome recorded. One drill at a time, across processes (the lease).
   */
  async begin(opts: {
    imageId: number;
    trigger: DrillTrigger;
    actor: string;
  }): Promise<{ run: DrillRun; plan: DrillPlan; done: Promise<DrillRun> }> {
    if (this.running)
      throw new DrillError('busy', 'A restore drill is already running; follow it on its page.');
    const lease = await this.leases.tryHold(DRILL_LEASE, DRILL_LEASE_TTL_MS);
    if (!lease) throw new DrillError('busy', 'A restore drill is already running (in another process).');
    let requests = 0;
    let prepared: { run: DrillRun; plan: DrillPlan; client: HcloudClient; serverId: number };
    try {
      // A person waiting on the page gets an answer within seconds; the drill itself is patient.
      const prep = await this.connect({ interactive: opts.trigger === 'page', onRequest: () => requests++ });
      const { client, serverId } = await this.connect({ interactive: false, onRequest: () => requests++ });
      // Before anything else: a server a crashed drill left behind costs money by the hour.
      await this.cleanUpWith(prep.client, serverId);
      const plan = await this.planWith(prep.client, serverId, opts.imageId);
      const run = await this.store.started(
        drillStartOf(plan, {
          trigger: opts.trigger,
          actor: opts.actor,
          panelServerId: serverId,
          at: this.clock.now(),
        }),
      );
      prepared = { run, plan, client, serverId };
    } catch (err) {
      await lease.release();
      throw err;
    }
    this.logger.log(
      `drill ${prepared.run.id} of snapshot ${opts.imageId} started by ${opts.actor}: ${prepared.plan.costText}`,
    );
    const done = this.carryOut(prepared, lease, () => requests).finally(() => {
      if (this.running === done) this.running = null;
    });
    this.running = done;
    return { run: prepared.run, plan: prepared.plan, done };
  }

  /** For the scheduler's tick (and tests): runs a drill on the newest automatic snapshot when one is due. */
  async runScheduledIfDue(): Promise<DrillRun | null> {
    try {
      const config = await this.store.config();
      const last = await this.store.latestScheduled();
      if (
        !isDrillDue({
          schedule: config.schedule,
          lastScheduledStart: last?.startedAt ?? null,
          now: this.clock.now(),
        })
      )
        return null;
      const { client, serverId } = await this.connect({ interactive: false });
      const images = await client.listImages({ type: 'snapshot', status: 'available' });
      const target = newestAutomaticSnapshot(images, serverId);
      if (!target) {
        this.logger.warn('a scheduled drill is due, but this server has no available automatic snapshot yet');
        return null;
      }
      const { done } = await this.begin({ imageId: target.id, trigger: 'schedule', actor: 'schedule' });
      return await done;
    } catch (err) {
      this.logger.warn(`scheduled drill did not run: ${(err as Error).message}`);
      return null;
    }
  }

  /**
   * The start-up clean-up, only when the records say a drill was cut off (a run still marked running, or a
   * server id never seen deleted): a panel that never drilled spends no request and asks no metadata at start.
   */
  async cleanUpIfInterrupted(): Promise<LeftoverDrillServer[]> {
    const [unfinished, undeleted] = await Promise.all([
      this.store.unfinished(),
      this.store.undeletedServerIds(),
    ]);
    if (unfinished.length === 0 && undeleted.size === 0) return [];
    return this.cleanUp();
  }

  /**
   * Deletes this panel's left-over drill servers (see drillServersToDelete) and closes the records of drills
   * a stop cut off. Takes the drill lease: when another process holds it, its drill is not left over.
   */
  async cleanUp(): Promise<LeftoverDrillServer[]> {
    const lease = await this.leases.tryHold(DRILL_LEASE, DRILL_LEASE_TTL_MS);
    if (!lease) return [];
    try {
      const { client, serverId } = await this.connect({ interactive: false });
      return await this.cleanUpWith(client, serverId);
    } finally {
      await lease.release();
    }
  }

  /** Left-over drill servers as doctor sees them: without deleting anything. */
  leftovers(
    client: HcloudClient,
    panelServerId: number,
  ): Promise<{ leftovers: LeftoverDrillServer[]; drillRunning: boolean }> {
    return findDrillLeftovers(
      { leases: this.leases, store: this.store, clock: this.clock },
      client,
      panelServerId,
    );
  }

  private cleanUpWith(client: HcloudClient, panelServerId: number): Promise<LeftoverDrillServer[]> {
    const deps = { store: this.store, clock: this.clock, logger: this.logger };
    return deleteDrillLeftovers(
      { ...deps, activeServerId: () => this.activeServerId },
      client,
      panelServerId,
    );
  }

  private async planWith(client: HcloudClient, panelServerId: number, imageId: number): Promise<DrillPlan> {
    let server: HcloudServer;
    let image: HcloudImage;
    try {
      [server, image] = await Promise.all([client.getServer(panelServerId), client.getImage(imageId)]);
    } catch (err) {
      if (err instanceof HcloudApiError && err.status === 404 && err.path?.startsWith('/images/'))
        throw new DrillError('not_found', `There is no snapshot ${imageId} in this project.`);
      throw new DrillError('unavailable', describeHcloudError(err));
    }
    if (image.type !== 'snapshot' || image.created_from?.id !== server.id)
      throw new DrillError(
        'refused',
        `Snapshot ${image.id} was not taken of this server; the panel only verifies its own.`,
      );
    if (image.status !== 'available')
      throw new DrillError('refused', `Snapshot ${image.id} is ${image.status}, not available yet.`);
    const config = await this.store.config();
    const [types, pricing] = await Promise.all([client.listServerTypes(), client.getPricing()]).catch(
      (err: unknown) => {
        throw new DrillError('unavailable', describeHcloudError(err));
      },
    );
    return buildDrillPlan({ server, image, types, pricing, port: config.port });
  }

  private async carryOut(
    prepared: { run: DrillRun; plan: DrillPlan; client: HcloudClient; serverId: number },
    lease: HeldLease,
    requests: () => number,
  ): Promise<DrillRun> {
    const { run, plan, client, serverId: panelServerId } = prepared;
    let drillServerId: number | null = null;
    let createdAt: Date | null = null;
    let error: string | null = null;
    try {
      try {
        const created = await client.createServer({
          name: drillServerName({ imageId: plan.image.id, runId: run.id }),
          serverType: plan.serverType,
          imageId: plan.image.id,
          location: plan.location,
          labels: drillServerLabels({ panelServerId, imageId: plan.image.id }),
          enableIpv4: plan.enableIpv4,
        });
        drillServerId = created.server.id;
        this.activeServerId = drillServerId;
        createdAt = this.clock.now();
        // The first thing after Hetzner's answer: from here on a restart knows this server is ours.
        await this.store.serverRecorded(run.id, drillServerId, createdAt);
        const booted = await waitUntilRunning(
          { client, clock: this.clock, signal: this.abort.signal },
          created.server.id,
          created.action,
        );
        const bootSeconds = Math.round((this.clock.now().getTime() - createdAt.getTime()) / 1000);
        await this.store.booted(run.id, this.clock.now(), bootSeconds);
        if (plan.port !== null) {
          const open = await knockOnPort(
            { clock: this.clock, signal: this.abort.signal, probe: this.probe },
            booted,
            plan.port,
          );
          await this.store.portChecked(run.id, open ? 'open' : 'closed');
          if (!open)
            error = `The server booted, but TCP port ${plan.port} did not answer within ${DRILL_PORT_DEADLINE_MS / 60_000} minutes (a firewall, or the service did not start).`;
        }
      } catch (err) {
        error = this.describeFailure(err);
        await this.limits
          .learn(err, { resource: 'server', count: null, at: this.clock.now() })
          .catch(() => undefined);
      } finally {
        await this.store.deleting(run.id);
        if (drillServerId !== null) {
          try {
            await client.deleteServer(drillServerId);
            await this.store.serverDeleted(run.id, this.clock.now());
          } catch (err) {
            // Left for the clean-up (next drill, next start) and reported by doctor meanwhile.
            error = `${error ? `${error} ` : ''}The drill server ${drillServerId} could not be deleted (${describeHcloudError(err)}); the panel deletes it at its next start or drill, and doctor reports it until then.`;
          }
        } else if (error !== null) {
          // A create that may have reached Hetzner without an answer: look for its labels now.
          await this.cleanUpWith(client, panelServerId).catch(() => undefined);
        }
      }
      const end = this.clock.now();
      const minutes = createdAt ? (end.getTime() - createdAt.getTime()) / 60_000 : 0;
      const cost = createdAt ? drillCost({ hourlyGross: plan.hourlyGross, minutes }) : 0;
      await this.store.finished(run.id, {
        status: error ? 'failed' : 'passed',
        at: end,
        cost,
        error,
        requests: requests(),
      });
      const finished = (await this.store.get(run.id))!;
      if (error) {
        this.logger.warn(`drill ${run.id} of snapshot ${plan.image.id} failed: ${error}`);
        const event: DrillFailedEvent = {
          drillId: run.id,
          imageId: plan.image.id,
          serverId: panelServerId,
          error,
          trigger: run.trigger,
          at: end,
        };
        this.events.emit(DRILL_FAILED_EVENT, event);
      } else {
        this.logger.log(
          `drill ${run.id} of snapshot ${plan.image.id} passed: running after ${finished.bootSeconds} s, cost ${formatMoney(cost, plan.currency)}`,
        );
        const passed: DrillPassedEvent = {
          drillId: run.id,
          imageId: plan.image.id,
          serverId: panelServerId,
          trigger: run.trigger,
          at: end,
        };
        this.events.emit(DRILL_PASSED_EVENT, passed);
      }
      return finished;
    } finally {
      this.activeServerId = null;
      await lease.release();
    }
  }

  private describeFailure(err: unknown): string {
    if (err instanceof DrillError) return err.message;
    if (this.abort.signal.aborted) return 'The panel stopped during the drill.';
    if (isLimitError(err)) return describeLimitError(err, 'server');
    return describeHcloudError(err);
  }

  private async connect(opts: {
    interactive: boolean;
    onRequest?: () => void;
  }): Promise<{ client: HcloudClient; serverId: number }> {
    try {
      const serverId = await this.connection.serverId();
      return { client: await this.connection.client(opts), serverId };
    } catch (err) {
      if (connectionUnavailable(err)) throw new DrillError('unavailable', err.message);
      throw err;
    }
  }
}
