// Owns restore drills: "does this snapshot boot?" answered from the API alone. A drill takes the drill lease,
// cleans up drill servers a crash left behind, plans (server type, cost), records itself, creates a temporary
// server from the snapshot, records its id at once, waits until it runs, optionally knocks on a TCP port,
// deletes it and records time to boot, result and cost. A failed drill emits DRILL_FAILED_EVENT.
import { Inject, Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { PluginLogger } from '../logging/plugin.logger';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { CLOCK, Clock } from '../../clock/clock';
import {
  HetznerConnectionService,
  NoTokenError,
  NotOnHetznerError,
} from '../connection/hetzner-connection.service';
import {
  describeHcloudError,
  HcloudAction,
  HcloudApiError,
  HcloudClient,
  HcloudImage,
  HcloudServer,
} from '../hcloud';
import { HETZNER_SNAPSHOTS_OPTIONS, HetznerSnapshotsModuleOptions } from '../hetzner-snapshots.options';
import { LeaseHandle, LeaseService } from '../lease/lease.service';
import { describeLimitError, isLimitError } from '../limits/limit.rules';
import { LimitStore } from '../limits/limit.store';
import { TokenDecryptionError } from '../connection/token.vault';
import {
  chooseDrillServerType,
  drillCost,
  drillServerLabels,
  drillServerName,
  drillServersToDelete,
  DRILL_SERVER_SELECTOR,
  estimateDrillMinutes,
  formatMoney,
  isDrillDue,
  LeftoverDrillServer,
  newestAutomaticSnapshot,
} from './drill.rules';
import { DrillRun, DrillTrigger } from './drill-run.entity';
import { DrillRunStore } from './drill-run.store';
import { DRILL_FAILED_EVENT, DRILL_PASSED_EVENT, DrillFailedEvent, DrillPassedEvent } from './drill.events';
import { TCP_PROBE, TcpProbe } from './tcp-port.probe';

export const DRILL_LEASE = 'hetzner-snapshots.drill';
export const DRILL_LEASE_TTL_MS = 10 * 60_000;
/** A server from a snapshot that is not `running` within this is a failed drill. */
export const DRILL_BOOT_DEADLINE_MS = 10 * 60_000;
/** How long the port may take to answer after the server runs. */
export const DRILL_PORT_DEADLINE_MS = 2 * 60_000;
const PORT_ATTEMPT_TIMEOUT_MS = 5_000;
const POLL_MAX_MS = 10_000;
/** How often the serving process looks whether a scheduled drill is due. */
const SCHEDULE_TICK_MS = 60 * 60_000;

export { DRILL_FAILED_EVENT, DRILL_PASSED_EVENT } from './drill.events';
export type { DrillFailedEvent } from './drill.events';

export type DrillErrorCode = 'unavailable' | 'not_found' | 'refused' | 'busy';

export class DrillError extends Error {
  constructor(
    readonly code: DrillErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'DrillError';
  }
}

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
    const lease = await this.leases.tryAcquire(DRILL_LEASE, DRILL_LEASE_TTL_MS);
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
      const run = await this.store.started({
        trigger: opts.trigger,
        actor: opts.actor,
        imageId: plan.image.id,
        imageSizeGb: plan.image.image_size,
        panelServerId: serverId,
        serverType: plan.serverType,
        location: plan.location,
        port: plan.port,
        estimatedMinutes: plan.estimatedMinutes,
        estimatedCost: plan.estimatedCost,
        hourlyPrice: plan.hourlyGross,
        currency: plan.currency,
        startedAt: this.clock.now(),
      });
      prepared = { run, plan, client, serverId };
    } catch (err) {
      await this.release(lease);
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
    const lease = await this.leases.tryAcquire(DRILL_LEASE, DRILL_LEASE_TTL_MS);
    if (!lease) return [];
    try {
      const { client, serverId } = await this.connect({ interactive: false });
      return await this.cleanUpWith(client, serverId);
    } finally {
      await this.release(lease);
    }
  }

  /** Left-over drill servers as doctor sees them: without deleting anything. */
  async leftovers(
    client: HcloudClient,
    panelServerId: number,
  ): Promise<{ leftovers: LeftoverDrillServer[]; drillRunning: boolean }> {
    const holder = await this.leases.holder(DRILL_LEASE);
    const drillRunning = holder !== null && holder.expiresAt > this.clock.now();
    const servers = await client.listServers({ label_selector: DRILL_SERVER_SELECTOR });
    const recordedIds = await this.store.recordedServerIds();
    const active = drillRunning ? await this.store.undeletedServerIds() : new Set<number>();
    return {
      leftovers: drillServersToDelete({ servers, recordedIds, panelServerId, activeServerIds: active }),
      drillRunning,
    };
  }

  private async cleanUpWith(client: HcloudClient, panelServerId: number): Promise<LeftoverDrillServer[]> {
    const servers = await client.listServers({ label_selector: DRILL_SERVER_SELECTOR });
    const recordedIds = await this.store.recordedServerIds();
    const active = this.activeServerId !== null ? new Set([this.activeServerId]) : undefined;
    const leftovers = drillServersToDelete({ servers, recordedIds, panelServerId, activeServerIds: active });
    for (const { server, reason } of leftovers) {
      await client.deleteServer(server.id);
      this.logger.warn(`deleted left-over drill server ${server.id} (${server.name}): ${reason}`);
      await this.store.cleanedUp(
        server.id,
        this.clock.now(),
        `The drill was cut off (the panel stopped); its server ${server.id} was deleted by the clean-up.`,
      );
    }
    // Drills still marked running under our lease were cut off; their servers (if any) are gone now.
    const alive = new Set(servers.map((s) => s.id));
    for (const run of await this.store.unfinished()) {
      if (run.drillServerId !== null && run.drillServerId === this.activeServerId) continue;
      if (
        run.drillServerId !== null &&
        alive.has(run.drillServerId) &&
        !leftovers.some((l) => l.server.id === run.drillServerId)
      )
        continue;
      await this.store.interrupted(
        run.id,
        this.clock.now(),
        run.drillServerId === null
          ? 'The drill was cut off (the panel stopped) before Hetzner created its server.'
          : `The drill was cut off (the panel stopped); its server ${run.drillServerId} is gone or no longer carries the drill labels, so the panel left server ${run.drillServerId} alone.`,
      );
      if (run.drillServerId !== null) await this.store.serverDeleted(run.id, this.clock.now());
    }
    return leftovers;
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
    const location = server.location.name;
    const chosen = chooseDrillServerType({ image, types, location });
    if (!chosen.ok) throw new DrillError('refused', chosen.reason);
    const { choice } = chosen;
    // A public IPv4 costs extra and is only needed to knock on a port from here (IPv6 may not be routable).
    const enableIpv4 = config.port !== null;
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
      port: config.port,
      enableIpv4,
      estimatedMinutes,
      hourlyGross,
      estimatedCost,
      currency,
      costText: `A ${choice.type.name} in ${location}${enableIpv4 ? ' with a public IPv4' : ', without a public IPv4'} for about ${estimatedMinutes} minutes: ${formatMoney(estimatedCost, currency)} (${formatMoney(hourlyGross, currency)} per hour; Hetzner bills every started hour).`,
    };
  }

  private async carryOut(
    prepared: { run: DrillRun; plan: DrillPlan; client: HcloudClient; serverId: number },
    lease: LeaseHandle,
    requests: () => number,
  ): Promise<DrillRun> {
    const { run, plan, client, serverId: panelServerId } = prepared;
    const keeper = this.leases.keepAlive(lease);
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
        const booted = await this.waitUntilRunning(client, created.server.id, created.action);
        const bootSeconds = Math.round((this.clock.now().getTime() - createdAt.getTime()) / 1000);
        await this.store.booted(run.id, this.clock.now(), bootSeconds);
        if (plan.port !== null) {
          const open = await this.knock(booted, plan.port);
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
      await keeper.stop();
      await this.release(lease);
    }
  }

  /** Polls the create action and then the server until it is `running`; one request per look, growing waits. */
  private async waitUntilRunning(
    client: HcloudClient,
    id: number,
    action: HcloudAction,
  ): Promise<HcloudServer> {
    const started = this.clock.now().getTime();
    let current = action;
    for (let poll = 0; ; poll++) {
      if (current.status === 'running') {
        current = await client.getAction(current.id, this.abort.signal);
      }
      if (current.status === 'error')
        throw new DrillError(
          'refused',
          `Hetzner could not create the server from the snapshot: ${current.error?.message ?? 'the action failed'}.`,
        );
      if (current.status === 'success') {
        const server = await client.getServer(id);
        if (server.status === 'running') return server;
      }
      if (this.clock.now().getTime() - started >= DRILL_BOOT_DEADLINE_MS)
        throw new DrillError(
          'refused',
          `The server made from the snapshot was not running after ${DRILL_BOOT_DEADLINE_MS / 60_000} minutes.`,
        );
      await this.clock.sleep(Math.min(POLL_MAX_MS, 1000 * 2 ** poll), this.abort.signal);
    }
  }

  private async knock(server: HcloudServer, port: number): Promise<boolean> {
    const host = server.public_net.ipv4?.ip;
    if (!host) return false;
    const started = this.clock.now().getTime();
    for (;;) {
      if (await this.probe({ host, port, timeoutMs: PORT_ATTEMPT_TIMEOUT_MS })) return true;
      if (this.clock.now().getTime() - started >= DRILL_PORT_DEADLINE_MS) return false;
      await this.clock.sleep(10_000, this.abort.signal);
    }
  }

  private describeFailure(err: unknown): string {
    if (err instanceof DrillError) return err.message;
    if (this.abort.signal.aborted) return 'The panel stopped during the drill.';
    if (isLimitError(err)) return describeLimitError(err, 'server');
    return describeHcloudError(err);
  }

  private async release(lease: LeaseHandle): Promise<void> {
    await this.leases
      .release(lease)
      .catch((err: unknown) =>
        this.logger.warn(`could not release the drill lease: ${(err as Error).message}`),
      );
  }

  private async connect(opts: {
    interactive: boolean;
    onRequest?: () => void;
  }): Promise<{ client: HcloudClient; serverId: number }> {
    try {
      const serverId = await this.connection.serverId();
      return { client: await this.connection.client(opts), serverId };
    } catch (err) {
      if (
        err instanceof NoTokenError ||
        err instanceof NotOnHetznerError ||
        err instanceof TokenDecryptionError
      )
        throw new DrillError('unavailable', err.message);
      throw err;
    }
  }
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
