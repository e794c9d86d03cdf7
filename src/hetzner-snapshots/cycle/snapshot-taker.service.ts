// The cycle's snapshot step: the server's name for the description, create_image (waiting out a locked
// server), the action id recorded at once, following the action through API outages, and confirming that
// the image is available. Resume enters at confirm with the recorded action.
import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, Clock } from '../../clock/clock';
import {
  describeHcloudError,
  isHcloudError,
  type HcloudAction,
  type HcloudApi,
  type HcloudImage,
} from '../hcloud';
import { panelSnapshotLabels } from '../labels/snapshot-labels';
import type { LeaseKeeper } from '../lease/lease.service';
import { PluginLogger } from '../logging/plugin.logger';
import { ServerStateStore } from '../server-state/server-state.store';
import type { CycleRun } from './cycle-run.entity';
import { CycleRunStore } from './cycle-run.store';
import {
  autoSnapshotDescription,
  CycleStepError,
  isTransientApiFailure,
  lockedRetryDelayMs,
} from './cycle.decisions';
import { actionDurationMs, expectedSnapshotMs, LEARN_FROM_RUNS, pollDelayMs } from './poll-schedule';

// Following an action survives this many API outages in a row (each waited out for a minute) before giving up.
const MAX_TRANSIENT_WAIT_FAILURES = 10;
const TRANSIENT_WAIT_MS = 60_000;

@Injectable()
export class SnapshotTaker {
  private readonly logger = new PluginLogger('SnapshotCycle');

  constructor(
    private readonly store: CycleRunStore,
    private readonly serverState: ServerStateStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /**
   * The server, for its name in the snapshot's description. A passing API fault here must not cost the
   * snapshot: the id stands in for the name. A wrong token or a missing server still fails the cycle.
   */
  async serverForDescription(api: HcloudApi, serverId: number): Promise<{ name: string }> {
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

  /** Creates the snapshot, records its action, and follows it until the image is confirmed available. */
  async take(
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
    await this.store.actionRecorded(run, { imageId: created.image.id, actionId: created.action.id });
    await this.store.markSnapshotListStale(serverId);
    // The answer names the server as it is now: a rename is noticed without asking for the server.
    const currentName = created.image.created_from?.name;
    if (currentName && currentName !== serverName)
      await this.serverState.saveServerName(serverId, currentName, this.clock.now());
    const expected = expectedSnapshotMs(await this.store.recentSnapshotDurations(serverId, LEARN_FROM_RUNS));
    await this.confirm(api, run, created.action, lease, signal, (poll) => pollDelayMs(expected, poll));
  }

  /** The snapshot counts only when its action succeeded and Hetzner lists the image as available. */
  async confirm(
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
    this.store.confirmed(run, actionDurationMs(finished));
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
        if (!isHcloudError(err, 'locked')) throw err;
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
}
