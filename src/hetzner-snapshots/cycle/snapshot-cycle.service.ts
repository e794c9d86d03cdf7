// The cycle's runner: takes the cycle lease, finishes runs a stopped process left behind, then runs one cycle
// as named steps (SnapshotTaker: create, confirm; SnapshotPruner: plan, delete; CycleHookStep around the
// snapshot) and writes its end (cycleOutcome, pure) to the run. Cron, the CLI and the restart logic call it.
import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { CLOCK, Clock } from '../../clock/clock';
import { HetznerConnectionService } from '../connection/hetzner-connection.service';
import { describeHcloudError, isHcloudError, type HcloudApi, type HcloudApiError } from '../hcloud';
import { CYCLE_LEASE, CYCLE_LEASE_TTL_MS } from '../lease/cycle-lease';
import { LeaseKeeper, LeaseService } from '../lease/lease.service';
import { LimitStore } from '../limits/limit.store';
import { PluginLogger } from '../logging/plugin.logger';
import { ServerStateStore } from '../server-state/server-state.store';
import { CycleHookStep } from './cycle-hooks.step';
import { CycleRun, CycleRunStatus, CycleRunTrigger } from './cycle-run.entity';
import { CycleRunStore, readHooks } from './cycle-run.store';
import { CycleStepError, isRetentionBlocked } from './cycle.decisions';
import { CYCLE_FINISHED_EVENT, CycleFinishedEvent } from '../notifications/notification.events';
import { CycleResult, cycleOutcome } from './cycle.outcome';
import { PrunePreview, SnapshotPruner } from './snapshot-pruner.service';
import { SnapshotTaker } from './snapshot-taker.service';

export type { PrunePreview };

export type CycleOutcomeStatus = CycleRunStatus | 'busy';

export interface CycleOutcome {
  status: CycleOutcomeStatus;
  runId: number | null;
  /** One sentence for a person: what happened, or why not. */
  message: string;
  run: CycleRun | null;
}

interface RequestCounter {
  count: number;
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
    private readonly connection: HetznerConnectionService,
    private readonly store: CycleRunStore,
    private readonly leases: LeaseService,
    private readonly hooks: CycleHookStep,
    private readonly taker: SnapshotTaker,
    private readonly pruner: SnapshotPruner,
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
      const run = await this.store.started({
        trigger: 'prune',
        startedAt: this.clock.now(),
        phase: 'pruning',
      });
      const result: CycleResult = { failure: null, postHookFailure: null, serverName: null };
      try {
        await this.store.serverIdentified(run, await this.connection.serverId());
        const api = await this.connection.client({ onRequest: () => requests.count++ });
        await this.pruner.alone(run, api, signal);
      } catch (err) {
        result.failure = err;
      }
      return this.finish(run, result, requests, signal);
    });
  }

  /** `snapshot-panel prune --dry-run`: what retention would delete now and why. Changes nothing, takes no lease. */
  async previewPrune(): Promise<PrunePreview> {
    const serverId = await this.connection.serverId();
    return this.pruner.preview(await this.connection.client(), serverId);
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
    const lease = await this.leases.tryHold(CYCLE_LEASE, CYCLE_LEASE_TTL_MS);
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
    const done = work(lease, controller.signal);
    const entry = { controller, done: done.catch(() => undefined) };
    this.active.add(entry);
    try {
      return await done;
    } finally {
      this.active.delete(entry);
      await lease.release();
    }
  }

  private async freshCycle(
    trigger: CycleRunTrigger,
    lease: LeaseKeeper,
    signal: AbortSignal,
  ): Promise<CycleOutcome> {
    const requests: RequestCounter = { count: 0 };
    const run = await this.store.started({ trigger, startedAt: this.clock.now(), phase: 'creating' });
    const result: CycleResult = { failure: null, postHookFailure: null, serverName: null };
    try {
      await this.store.serverIdentified(run, await this.connection.serverId());
      const api = await this.connection.client({ onRequest: () => requests.count++ });
      const server = await this.taker.serverForDescription(api, run.serverId as number);
      result.serverName = server.name;
      const attempt = await this.hooks.around(run, {}, { withPre: true, signal }, () =>
        this.taker.take(api, run, server.name, lease, signal),
      );
      result.postHookFailure = attempt.postHookFailure;
      if (attempt.failure) throw attempt.failure;
      await this.pruner.afterSnapshot(run, api, requests.count, signal);
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
    const previousTrigger = run.trigger;
    // A prune keeps its trigger: it is not a snapshot cycle, for the history, the notifications and "last success".
    this.store.resumed(run);
    try {
      if (run.serverId !== null)
        result.serverName =
          (await this.serverState.lastServerName(run.serverId)) ??
          (await this.store.cachedServerName(run.serverId));
      // Set inside the attempt: a missing token there still owes the post hook.
      const session: { api?: HcloudApi } = {};
      const attempt = await this.hooks.around(run, readHooks(run), { withPre: false, signal }, async () => {
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
        try {
          session.api = await this.connection.client({ onRequest: () => requests.count++ });
          await this.taker.confirm(session.api, run, run.actionId, lease, signal);
        } catch (err) {
          throw isHcloudError(err, 'not_found') ? actionForgotten(run, err) : err;
        }
      });
      result.postHookFailure = attempt.postHookFailure;
      if (attempt.failure) throw attempt.failure;
      await this.pruner.afterSnapshot(run, session.api as HcloudApi, requests.count, signal);
    } catch (err) {
      result.failure = err;
    }
    return this.finish(run, result, requests, signal);
  }

  /** Writes the run's end (decided by cycleOutcome), logs it and announces it (CYCLE_FINISHED_EVENT). */
  private async finish(
    run: CycleRun,
    result: CycleResult,
    requests: RequestCounter,
    signal: AbortSignal,
  ): Promise<CycleOutcome> {
    const end = cycleOutcome({ run, result, aborted: signal.aborted });
    if (end.kind === 'left-for-resume') {
      await this.store.leftForResume(run, requests.count);
      this.logger.log(`cycle ${run.id}: ${end.message}`);
      return { status: 'interrupted', runId: run.id, message: end.message, run };
    }
    if (result.failure) {
      // Learned, never retried: the next cycle tries once more on its schedule, nothing is pruned to make room.
      await this.limits
        .learn(result.failure, { resource: 'snapshot', count: null, at: this.clock.now() })
        .catch(() => undefined);
    }
    await this.store.finished(run, {
      status: end.status,
      errorCode: end.errorCode,
      errorMessage: end.errorMessage,
      pruneNote: end.pruneNote,
      requestCount: requests.count,
      finishedAt: this.clock.now(),
    });
    if (run.serverId !== null) await this.store.markSnapshotListStale(run.serverId).catch(() => undefined);

    const line = `cycle ${run.id} (${run.trigger}) ${run.status}: ${end.message} [${run.requestCount} Hetzner requests]`;
    if (run.status === 'succeeded') this.logger.log(line);
    else this.logger.warn(line);
    this.announce(run, result.serverName, end.message);
    return { status: run.status, runId: run.id, message: end.message, run };
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
