// Owns one automatic-snapshot cycle, end to end: the lease, the run record written step by step, the
// consistency hooks, create_image (waiting out a locked server), following the action, and pruning only
// after the new snapshot is confirmed. Cron, the CLI and the restart logic all call these plain methods.
import { LimitStore } from '../limits/limit.store';
import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { PluginLogger } from '../logging/plugin.logger';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { CLOCK, Clock } from '../../clock/clock';
import { redactSecrets } from '../../logging/line.logger';
import { HetznerConnectionService } from '../connection/hetzner-connection.service';
import {
  describeHcloudError,
  HcloudApiError,
  type HcloudAction,
  type HcloudApi,
  type HcloudImage,
} from '../hcloud';
import { HETZNER_SNAPSHOTS_OPTIONS, HetznerSnapshotsModuleOptions } from '../hetzner-snapshots.options';
import { panelSnapshotLabels, selectors, serverLabelOf } from '../labels/snapshot-labels';
import { CYCLE_LEASE, CYCLE_LEASE_TTL_MS } from '../lease/cycle-lease';
import { LeaseKeeper, LeaseService } from '../lease/lease.service';
import { RetentionPolicyError } from '../retention/retention-policy.error';
import { planRetention, type RetentionPlan, type RetentionPolicy } from '../retention/retention.policy';
import { plural } from '../retention/retention.wording';
import { ServerStateStore } from '../server-state/server-state.store';
import { CycleRun, CycleRunStatus, CycleRunTrigger } from './cycle-run.entity';
import { CycleRunStore, DeletedSnapshot, readDeleted, readHooks, SchedulerSettings } from './cycle-run.store';
import { CYCLE_FINISHED_EVENT, CycleFinishedEvent } from '../notifications/notification.events';
import {
  autoSnapshotDescription,
  CycleStepError,
  describeCycleFailure,
  isRetentionBlocked,
  isTransientApiFailure,
  lockedRetryDelayMs,
  RETENTION_DOUBT,
  toRetentionCandidate,
} from './cycle.decisions';
import { actionDurationMs, expectedSnapshotMs, LEARN_FROM_RUNS, pollDelayMs } from './poll-schedule';
import { CycleHooks, describeHookFailure, HookPhase, SnapshotHookRunner } from './snapshot-hook.runner';

export { CYCLE_LEASE, CYCLE_LEASE_TTL_MS };
// Following an action survives this many API outages in a row (each waited out for a minute) before giving up.
const MAX_TRANSIENT_WAIT_FAILURES = 10;
const TRANSIENT_WAIT_MS = 60_000;

export type CycleOutcomeStatus = CycleRunStatus | 'busy';

export interface CycleOutcome {
  status: CycleOutcomeStatus;
  runId: number | null;
  /** One sentence for a person: what happened, or why not. */
  message: string;
  run: CycleRun | null;
}

export interface PrunePreview {
  serverId: number;
  policy: RetentionPolicy | null;
  /** null when nothing can be decided (listing incomplete, policy unreadable); `note` says why. */
  plan: RetentionPlan | null;
  images: HcloudImage[];
  note: string | null;
}

interface RequestCounter {
  count: number;
}

/** How a cycle's work ended, before it is written down. */
interface CycleResult {
  failure: unknown;
  /** The snapshot is fine, but the post hook failed: the run is failed all the same, loudly. */
  postHookFailure: string | null;
  serverName: string | null;
}

class ShutdownError extends Error {
  constructor() {
    super('The panel is shutting down.');
    this.name = 'AbortError';
  }
}

@Injectable()
export class SnapshotCycleService implements OnModuleDestroy {
  private readonly logger = new PluginLogger('SnapshotCycle');
  private readonly active = new Set<{ controller: AbortController; done: Promise<unknown> }>();
  private stopping = false;

  constructor(
    @Inject(HETZNER_SNAPSHOTS_OPTIONS) private readonly options: HetznerSnapshotsModuleOptions,
    private readonly connection: HetznerConnectionService,
    private readonly store: CycleRunStore,
    private readonly leases: LeaseService,
    private readonly hooks: SnapshotHookRunner,
    private readonly events: EventEmitter2,
    private readonly serverState: ServerStateStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly limits: LimitStore,
  ) {}

  /** Takes one automatic snapshot now and prunes past retention; 'busy' when another cycle holds the lease. */
  runCycle(opts: { trigger: Exclude<CycleRunTrigger, 'prune' | 'resume'> }): Promise<CycleOutcome> {
    return this.withCycleLease(async (lease, signal) => {
      // A run cut off earlier is finished first: its action may still hold the server, and it must not be forgotten.
      await this.resumeOrphans(lease, signal);
      if (signal.aborted)
        return {
          status: 'interrupted',
          runId: null,
          message: 'The panel is shutting down; no new snapshot was started.',
          run: null,
        };
      return this.freshCycle(opts.trigger, lease, signal);
    });
  }

  /** Finishes runs a stopped or crashed process left `running` (their lease has expired or was let go). */
  async resumeInterrupted(): Promise<CycleOutcome[]> {
    // Most starts find nothing to resume; they need not compete for the lease with a CLI command.
    if ((await this.store.findRunning()).length === 0) return [];
    const outcome = await this.withCycleLease((lease, signal) => this.resumeOrphans(lease, signal));
    return Array.isArray(outcome) ? outcome : [];
  }

  /** `snapshot-panel prune`: retention now, under the same lease and rules, recorded as a run of its own. */
  prune(): Promise<CycleOutcome> {
    return this.withCycleLease(async (lease, signal) => {
      await this.resumeOrphans(lease, signal);
      const requests: RequestCounter = { count: 0 };
      const run = await this.store.start({ trigger: 'prune', startedAt: this.clock.now(), phase: 'pruning' });
      const result: CycleResult = { failure: null, postHookFailure: null, serverName: null };
      try {
        const serverId = await this.connection.serverId();
        run.serverId = serverId;
        await this.store.save(run);
        const api = await this.connection.client({ onRequest: () => requests.count++ });
        const preview = await this.planPrune(api, serverId, await this.store.settings());
        if (!preview.plan) {
          run.pruneNote = preview.note;
          throw new CycleStepError('prune_not_possible', preview.note ?? 'Nothing was deleted.');
        }
        const pruned = await this.carryOut(api, preview.images, preview.plan, signal);
        run.deleted = JSON.stringify(pruned.deleted);
        run.pruneNote = pruned.note;
        if (pruned.stoppedBy) throw new CycleStepError('prune_incomplete', pruned.stoppedBy);
      } catch (err) {
        result.failure = err;
      }
      return this.finish(run, result, requests, signal);
    });
  }

  /** `snapshot-panel prune --dry-run`: what retention would delete now and why. Changes nothing, takes no lease. */
  async previewPrune(): Promise<PrunePreview> {
    const serverId = await this.connection.serverId();
    const api = await this.connection.client();
    const settings = await this.store.settings();
    return { serverId, policy: settings.policy, ...(await this.planPrune(api, serverId, settings)) };
  }

  /** Stops work under way at shutdown: a run waiting on its action stays `running` and is resumed on the next start. */
  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    for (const entry of this.active) entry.controller.abort(new ShutdownError());
    await Promise.all([...this.active].map((entry) => entry.done));
  }

  private async withCycleLease<T>(
    work: (lease: LeaseKeeper, signal: AbortSignal) => Promise<T>,
  ): Promise<T | CycleOutcome> {
    if (this.stopping)
      return {
        status: 'busy',
        runId: null,
        message: 'The panel is shutting down; nothing was done.',
        run: null,
      };
    const lease = await this.leases.tryAcquire(CYCLE_LEASE, CYCLE_LEASE_TTL_MS);
    if (!lease) {
      const holder = await this.leases.holder(CYCLE_LEASE);
      const who = holder ? ` (since ${holder.acquiredAt.toISOString()}, by ${holder.owner})` : '';
      this.logger.log(`another cycle is running${who}; this one did nothing`);
      return {
        status: 'busy',
        runId: null,
        message: `Another snapshot cycle is running${who}; nothing was done. Try again when it has finished.`,
        run: null,
      };
    }
    const controller = new AbortController();
    const keeper = this.leases.keepAlive(lease);
    const done = work(keeper, controller.signal);
    const entry = { controller, done: done.catch(() => undefined) };
    this.active.add(entry);
    try {
      return await done;
    } finally {
      this.active.delete(entry);
      await keeper.stop();
      await this.leases
        .release(lease)
        .catch((err: unknown) =>
          this.logger.warn(`could not release the cycle lease: ${(err as Error).message}`),
        );
    }
  }

  private async freshCycle(
    trigger: CycleRunTrigger,
    lease: LeaseKeeper,
    signal: AbortSignal,
  ): Promise<CycleOutcome> {
    const requests: RequestCounter = { count: 0 };
    const run = await this.store.start({ trigger, startedAt: this.clock.now(), phase: 'creating' });
    const result: CycleResult = { failure: null, postHookFailure: null, serverName: null };
    const hookConfig = this.options.snapshotHooks;
    const hooks: CycleHooks = {};
    try {
      const serverId = await this.connection.serverId();
      run.serverId = serverId;
      await this.store.save(run);
      const api = await this.connection.client({ onRequest: () => requests.count++ });
      const server = await this.serverForDescription(api, serverId);
      result.serverName = server.name;

      let snapshotFailure: unknown = null;
      try {
        if (hookConfig.pre) {
          hooks.pre = await this.runHook('pre', hookConfig.pre, run, hooks, { signal });
          if (!hooks.pre.ok) {
            throw new CycleStepError(
              'pre_hook_failed',
              `${describeHookFailure('pre', hooks.pre, hookConfig.timeoutMs)} No snapshot was taken.`,
            );
          }
        }
        await this.takeSnapshot(api, run, server.name, lease, signal);
      } catch (err) {
        snapshotFailure = err;
      }
      // The post hook undoes what the pre hook did (unfreeze, unlock): it runs after every snapshot attempt,
      // once the action has ended, whatever the outcome, a failed pre hook included. A run left for resume
      // gets it when resumed.
      const leftForResume = signal.aborted && run.actionId !== null;
      if (hookConfig.post && !leftForResume) {
        const outcome = snapshotFailure ? 'failed' : 'succeeded';
        hooks.post = await this.runHook('post', hookConfig.post, run, hooks, { outcome });
        if (!hooks.post.ok)
          result.postHookFailure = describeHookFailure('post', hooks.post, hookConfig.timeoutMs);
      }
      if (snapshotFailure) throw snapshotFailure;

      await this.pruneInto(run, api, requests, signal);
    } catch (err) {
      result.failure = err;
    }
    return this.finish(run, result, requests, signal);
  }

  private async resumeOrphans(lease: LeaseKeeper, signal: AbortSignal): Promise<CycleOutcome[]> {
    const outcomes: CycleOutcome[] = [];
    for (const run of await this.store.findRunning()) {
      if (signal.aborted) break;
      outcomes.push(await this.resumeRun(run, lease, signal));
    }
    return outcomes;
  }

  /** Picks a run up from its recorded action: waits on the same action id, so no second snapshot is made. */
  private async resumeRun(run: CycleRun, lease: LeaseKeeper, signal: AbortSignal): Promise<CycleOutcome> {
    this.logger.log(
      `resuming cycle ${run.id} left running in phase ${run.phase} (action ${run.actionId ?? 'none'})`,
    );
    const requests: RequestCounter = { count: run.requestCount };
    const result: CycleResult = { failure: null, postHookFailure: null, serverName: null };
    const hooks = readHooks(run);
    const hookConfig = this.options.snapshotHooks;
    const previousTrigger = run.trigger;
    // A prune keeps its trigger: it is not a snapshot cycle, for the history, the webhook and "last success".
    if (previousTrigger !== 'prune') run.trigger = 'resume';
    try {
      if (run.serverId !== null)
        result.serverName =
          (await this.serverState.lastServerName(run.serverId)) ??
          (await this.store.cachedServerName(run.serverId));
      let snapshotFailure: unknown = null;
      let api: HcloudApi | null = null;
      try {
        if (previousTrigger === 'prune') {
          throw new CycleStepError(
            'interrupted',
            'The panel stopped during this prune; the next cycle prunes again.',
            'interrupted',
          );
        }
        if (run.actionId === null || run.imageId === null || run.serverId === null) {
          throw new CycleStepError(
            'interrupted',
            `The panel stopped during this ${previousTrigger} cycle before Hetzner confirmed a snapshot request (phase ${run.phase}). ` +
              'If a snapshot was started anyway, it carries the automatic label and retention removes it in time.',
            'interrupted',
          );
        }
        api = await this.connection.client({ onRequest: () => requests.count++ });
        await this.confirmSnapshot(api, run, run.actionId, lease, signal);
      } catch (err) {
        snapshotFailure =
          err instanceof HcloudApiError && err.status === 404 ? actionForgotten(run, err) : err;
      }
      const owesPostHook = hooks.pre !== undefined && hooks.post === undefined;
      if (hookConfig.post && owesPostHook && !(signal.aborted && run.actionId !== null)) {
        hooks.post = await this.runHook('post', hookConfig.post, run, hooks, {
          outcome: snapshotFailure ? 'failed' : 'succeeded',
        });
        if (!hooks.post.ok)
          result.postHookFailure = describeHookFailure('post', hooks.post, hookConfig.timeoutMs);
      }
      if (snapshotFailure) throw snapshotFailure;
      await this.pruneInto(run, api as HcloudApi, requests, signal);
    } catch (err) {
      result.failure = err;
    }
    return this.finish(run, result, requests, signal);
  }

  private async takeSnapshot(
    api: HcloudApi,
    run: CycleRun,
    serverName: string,
    lease: LeaseKeeper,
    signal: AbortSignal,
  ): Promise<void> {
    const serverId = run.serverId as number;
    const description = autoSnapshotDescription(serverName, this.clock.now());
    const created = await this.createWithLockedRetry(api, serverId, description, lease, signal);
    // Written before anything else happens: a restart from here on resumes this action instead of starting another.
    run.imageId = created.image.id;
    run.actionId = created.action.id;
    run.phase = 'waiting';
    await this.store.save(run);
    await this.store.markSnapshotListStale(serverId);
    // The answer names the server as it is now: a rename is noticed without asking for the server.
    const currentName = created.image.created_from?.name;
    if (currentName && currentName !== serverName)
      await this.serverState.saveServerName(serverId, currentName, this.clock.now());
    const expected = expectedSnapshotMs(await this.store.recentSnapshotDurations(serverId, LEARN_FROM_RUNS));
    await this.confirmSnapshot(api, run, created.action, lease, signal, (poll) =>
      pollDelayMs(expected, poll),
    );
  }

  private async createWithLockedRetry(
    api: HcloudApi,
    serverId: number,
    description: string,
    lease: LeaseKeeper,
    signal: AbortSignal,
  ): Promise<{ image: HcloudImage; action: HcloudAction }> {
    const started = this.clock.now().getTime();
    for (let attempt = 0; ; attempt++) {
      try {
        return await api.createImage(serverId, {
          description,
          labels: panelSnapshotLabels('auto', serverId),
        });
      } catch (err) {
        // The SDKs do not retry `locked`: the server is busy with another action (a backup, a resize), which ends.
        if (!(err instanceof HcloudApiError && err.status === 423 && err.code === 'locked')) throw err;
        const elapsed = this.clock.now().getTime() - started;
        const delay = lockedRetryDelayMs({ attempt, elapsedMs: elapsed });
        if (delay === null) {
          throw new CycleStepError(
            'locked',
            `The server stayed busy with another action (locked) for ${Math.round(elapsed / 60_000)} minutes, so no snapshot was taken; the next cycle tries again.`,
          );
        }
        this.logger.log(
          `server ${serverId} is locked by another action; trying create_image again in ${Math.round(delay / 1000)} s`,
        );
        await this.clock.sleep(delay, signal);
        lease.touch();
      }
    }
  }

  /** The snapshot counts only when its action succeeded and Hetzner lists the image as available. */
  private async confirmSnapshot(
    api: HcloudApi,
    run: CycleRun,
    action: HcloudAction | number,
    lease: LeaseKeeper,
    signal: AbortSignal,
    delayMs?: (poll: number) => number,
  ): Promise<void> {
    const finished = await this.followAction(api, action, lease, signal, delayMs);
    const image = await api.getImage(run.imageId as number);
    if (image.status !== 'available') {
      throw new CycleStepError(
        'image_not_available',
        `Hetzner finished the snapshot action, but snapshot ${image.id} is "${image.status}" rather than available, so it does not count and nothing was pruned.`,
      );
    }
    // Learned from confirmed snapshots only: the next cycle's first poll is placed from these.
    run.snapshotMs = actionDurationMs(finished);
  }

  /** The client's cheap polling, with no overall deadline (big disks take long); API outages are waited out. */
  private async followAction(
    api: HcloudApi,
    action: HcloudAction | number,
    lease: LeaseKeeper,
    signal: AbortSignal,
    delayMs?: (poll: number) => number,
  ): Promise<HcloudAction> {
    let current = action;
    for (let transientFailures = 0; ;) {
      try {
        return await api.waitForAction(current, { signal, delayMs, onProgress: () => lease.touch() });
      } catch (err) {
        if (
          signal.aborted ||
          !isTransientApiFailure(err) ||
          ++transientFailures > MAX_TRANSIENT_WAIT_FAILURES
        )
          throw err;
        this.logger.warn(
          `following action ${typeof current === 'number' ? current : current.id} failed (${describeHcloudError(err)}); trying again in a minute`,
        );
        await this.clock.sleep(TRANSIENT_WAIT_MS, signal);
        current = typeof current === 'number' ? current : current.id;
      }
    }
  }

  /** Prunes after a confirmed snapshot; whatever goes wrong here is noted on the run, the snapshot still counts. */
  private async pruneInto(
    run: CycleRun,
    api: HcloudApi,
    requests: RequestCounter,
    signal: AbortSignal,
  ): Promise<void> {
    run.phase = 'pruning';
    run.requestCount = requests.count;
    await this.store.save(run);
    const preview = await this.planPrune(api, run.serverId as number, await this.store.settings());
    if (!preview.plan) {
      run.pruneNote = preview.note;
      return;
    }
    // Each deletion is saved as it happens: a process killed mid-prune still shows what it deleted.
    const pruned = await this.carryOut(api, preview.images, preview.plan, signal, async (deleted) => {
      run.deleted = JSON.stringify(deleted);
      await this.store.save(run);
    });
    run.deleted = JSON.stringify(pruned.deleted);
    run.pruneNote = pruned.note;
  }

  /**
   * The server, for its name in the snapshot's description. A passing API fault here must not cost the
   * snapshot: the id stands in for the name. A wrong token or a missing server still fails the cycle.
   */
  private async serverForDescription(api: HcloudApi, serverId: number): Promise<{ name: string }> {
    // Kept in the state row and read again once a day: a name is not worth a request every cycle.
    const cached = await this.serverState.freshServerName(serverId, this.clock.now());
    if (cached) return { name: cached };
    try {
      const server = await api.getServer(serverId);
      await this.serverState.saveServerName(serverId, server.name, this.clock.now());
      return server;
    } catch (err) {
      if (!isTransientApiFailure(err)) throw err;
      this.logger.warn(
        `could not read the server's name (${describeHcloudError(err)}); the snapshot is described by its id`,
      );
      return { name: `server-${serverId}` };
    }
  }

  /** Lists this server's automatic snapshots (every page) and lets the retention function decide. */
  private async planPrune(
    api: HcloudApi,
    serverId: number,
    settings: SchedulerSettings,
  ): Promise<Omit<PrunePreview, 'serverId' | 'policy'>> {
    if (!settings.policy) {
      return {
        plan: null,
        images: [],
        note: `${RETENTION_DOUBT} ${settings.policyProblem ?? 'the retention settings are not readable'}. Save the retention settings again.`,
      };
    }
    let images: HcloudImage[];
    try {
      images = await this.listAutomatic(api, serverId);
    } catch (err) {
      // A snapshot on a page we did not see could be one retention must keep, so an incomplete list deletes nothing.
      return {
        plan: null,
        images: [],
        note: `${RETENTION_DOUBT} the list of automatic snapshots could not be read completely (${describeHcloudError(err)}). Pruning is tried again next cycle.`,
      };
    }
    try {
      const plan = planRetention({
        snapshots: images.map(toRetentionCandidate),
        policy: settings.policy,
        serverId,
        now: this.clock.now(),
        timeZone: this.options.timeZone,
        listingComplete: true,
      });
      return { plan, images, note: null };
    } catch (err) {
      if (!(err instanceof RetentionPolicyError)) throw err;
      return { plan: null, images, note: `${RETENTION_DOUBT} ${err.message}` };
    }
  }

  /**
   * This server's automatic snapshots. By label once the backfill has given every one of them the server label;
   * until then the wide listing of every server's automatic snapshots, filtered by created_from (or a server
   * label naming this server, so a snapshot whose two disagree reaches the plan and is kept as doubt).
   */
  private async listAutomatic(api: HcloudApi, serverId: number): Promise<HcloudImage[]> {
    if (await this.serverState.labelsBackfilled(serverId))
      return api.listImages({ type: 'snapshot', label_selector: selectors.autoOfServer(serverId) });
    const images = await api.listImages({ type: 'snapshot', label_selector: selectors.autoOfProject() });
    return images.filter(
      (image) => image.created_from?.id === serverId || serverLabelOf(image.labels) === serverId,
    );
  }

  /** Deletes what the plan chose, oldest first; a protected or vanished snapshot is noted, anything else stops pruning. */
  private async carryOut(
    api: HcloudApi,
    images: HcloudImage[],
    plan: RetentionPlan,
    signal: AbortSignal,
    onDeleted?: (deletedSoFar: DeletedSnapshot[]) => Promise<void>,
  ): Promise<{ deleted: DeletedSnapshot[]; note: string; stoppedBy: string | null }> {
    const byId = new Map(images.map((image) => [image.id, image]));
    const reasons = new Map(plan.decisions.map((decision) => [decision.id, decision.detail]));
    const deleted: DeletedSnapshot[] = [];
    const notes: string[] = [];
    let stoppedBy: string | null = null;
    for (const id of plan.toDelete) {
      if (signal.aborted) {
        stoppedBy = 'Pruning stopped early because the panel is shutting down.';
        break;
      }
      const image = byId.get(id);
      try {
        await api.deleteImage(id);
        deleted.push({
          id,
          description: image?.description ?? '',
          created: image?.created ?? '',
          reason: reasons.get(id) ?? '',
        });
      } catch (err) {
        if (err instanceof HcloudApiError && err.status === 404) {
          notes.push(`Snapshot ${id} was already gone.`);
        } else if (err instanceof HcloudApiError && err.status === 423) {
          notes.push(`Snapshot ${id} was not deleted: ${describeHcloudError(err)}`);
        } else {
          stoppedBy = `Deleting snapshot ${id} failed, so pruning stopped for now: ${describeHcloudError(err)}`;
          break;
        }
        continue;
      }
      await onDeleted?.(deleted);
    }
    const head =
      deleted.length > 0
        ? `Deleted ${plural(deleted.length, 'snapshot')} past retention.`
        : 'Deleted nothing.';
    const note = [head, plan.summary, ...notes, ...(stoppedBy ? [stoppedBy] : [])].join(' ');
    return { deleted, note, stoppedBy };
  }

  private async runHook(
    phase: HookPhase,
    command: string,
    run: CycleRun,
    hooks: CycleHooks,
    opts: { signal?: AbortSignal; outcome?: string },
  ) {
    const env: Record<string, string> = { SNAPSHOT_PANEL_HOOK: phase, SNAPSHOT_PANEL_RUN_ID: String(run.id) };
    if (run.serverId !== null) env.SNAPSHOT_PANEL_SERVER_ID = String(run.serverId);
    if (run.imageId !== null) env.SNAPSHOT_PANEL_IMAGE_ID = String(run.imageId);
    if (opts.outcome) env.SNAPSHOT_PANEL_OUTCOME = opts.outcome;
    // The post hook is not cancelled at shutdown: leaving a file system frozen would be worse than a slower stop.
    const outcome = await this.hooks.run(command, {
      timeoutMs: this.options.snapshotHooks.timeoutMs,
      env,
      signal: opts.signal,
    });
    hooks[phase] = outcome;
    run.hooksJson = JSON.stringify(hooks);
    await this.store.save(run);
    this.logger.log(
      `${phase}-snapshot command of cycle ${run.id} ${outcome.ok ? 'succeeded' : 'failed'} in ${outcome.durationMs} ms`,
    );
    return outcome;
  }

  private async finish(
    run: CycleRun,
    result: CycleResult,
    requests: RequestCounter,
    signal: AbortSignal,
  ): Promise<CycleOutcome> {
    run.requestCount = requests.count;
    if (result.failure && signal.aborted && run.actionId !== null && run.trigger !== 'prune') {
      // Left `running` on purpose: the next start (or cycle) follows the same action to its end.
      await this.store.save(run);
      const message = `The panel stopped while snapshot ${run.imageId} was being made; its action ${run.actionId} is followed again on the next start.`;
      this.logger.log(`cycle ${run.id}: ${message}`);
      return { status: 'interrupted', runId: run.id, message, run };
    }

    if (result.failure) {
      const failure = signal.aborted
        ? {
            code: 'interrupted',
            message:
              'The panel was stopped during this cycle before a snapshot was requested; nothing was pruned.',
          }
        : describeCycleFailure(result.failure);
      run.status = signal.aborted
        ? 'interrupted'
        : result.failure instanceof CycleStepError
          ? result.failure.outcome
          : 'failed';
      run.errorCode = failure.code;
      run.errorMessage = redactSecrets(failure.message);
      // Learned, never retried: the next cycle tries once more on its schedule, nothing is pruned to make room.
      await this.limits
        .learn(result.failure, { resource: 'snapshot', count: null, at: this.clock.now() })
        .catch(() => undefined);
      if (run.trigger !== 'prune' && readDeleted(run).length === 0 && !run.pruneNote) {
        run.pruneNote = 'Nothing was pruned: no new snapshot was confirmed in this cycle.';
      }
    } else if (result.postHookFailure) {
      run.status = 'failed';
      run.errorCode = 'post_hook_failed';
      run.errorMessage = redactSecrets(
        `Snapshot ${run.imageId} was taken, but ${lowerFirst(result.postHookFailure)}`,
      );
    } else {
      run.status = 'succeeded';
      run.errorCode = null;
      run.errorMessage = null;
    }
    run.phase = 'done';
    run.finishedAt = this.clock.now();
    await this.store.save(run);
    if (run.serverId !== null) await this.store.markSnapshotListStale(run.serverId).catch(() => undefined);

    const message =
      run.status !== 'succeeded'
        ? (run.errorMessage ?? 'The cycle failed.')
        : run.trigger === 'prune'
          ? (run.pruneNote ?? 'Pruned.')
          : successMessage(run);
    const line = `cycle ${run.id} (${run.trigger}) ${run.status}: ${message} [${run.requestCount} Hetzner requests]`;
    if (run.status === 'succeeded') this.logger.log(line);
    else this.logger.warn(line);
    this.announce(run, result.serverName, message);
    return { status: run.status, runId: run.id, message, run };
  }

  /** Tells the notifications and metrics (listeners work in the background; the cycle never waits on them). */
  private announce(run: CycleRun, serverName: string | null, message: string): void {
    const event: CycleFinishedEvent = { run, serverName, message, retentionBlocked: isRetentionBlocked(run) };
    try {
      this.events.emit(CYCLE_FINISHED_EVENT, event);
    } catch (err) {
      this.logger.warn(`could not announce cycle ${run.id}: ${(err as Error).message}`);
    }
  }
}

function actionForgotten(run: CycleRun, err: HcloudApiError): CycleStepError {
  return new CycleStepError(
    'interrupted',
    `The panel stopped while snapshot ${run.imageId} was being made, and Hetzner no longer knows its action ${run.actionId} (${describeHcloudError(err)}). ` +
      'If the snapshot exists, it carries the automatic label and retention handles it.',
    'interrupted',
  );
}

function successMessage(run: CycleRun): string {
  const deleted = readDeleted(run).length;
  return `Snapshot ${run.imageId} is available${deleted > 0 ? `; ${plural(deleted, 'old snapshot')} deleted` : ''}.`;
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
