// The consistency hooks around a snapshot attempt: the pre hook (a failure takes no snapshot), then the
// attempt, then the post hook, which undoes what the pre hook did and so runs whatever the attempt's outcome.
// Each hook's result is written to the run at once, so a resumed run knows whether it still owes the post hook.
import { Inject, Injectable } from '@nestjs/common';
import { HETZNER_SNAPSHOTS_OPTIONS, HetznerSnapshotsModuleOptions } from '../hetzner-snapshots.options';
import { PluginLogger } from '../logging/plugin.logger';
import type { CycleRun } from './cycle-run.entity';
import { CycleRunStore } from './cycle-run.store';
import { CycleStepError } from './cycle.decisions';
import {
  CycleHooks,
  describeHookFailure,
  HookOutcome,
  HookPhase,
  SnapshotHookRunner,
} from './snapshot-hook.runner';

export interface SnapshotAttempt {
  /** What made the attempt fail (a failed pre hook included), or null. */
  failure: unknown;
  /** The post hook failed: the snapshot may be fine, but the run fails loudly. */
  postHookFailure: string | null;
}

@Injectable()
export class CycleHookStep {
  private readonly logger = new PluginLogger('SnapshotCycle');

  constructor(
    @Inject(HETZNER_SNAPSHOTS_OPTIONS) private readonly options: HetznerSnapshotsModuleOptions,
    private readonly runner: SnapshotHookRunner,
    private readonly store: CycleRunStore,
  ) {}

  /**
   * Runs `attempt` between the hooks. `withPre` runs the pre hook first (a fresh cycle); a resumed run passes
   * false and owes the post hook only when its pre hook ran and its post hook did not. A run cut off while its
   * action runs (aborted with an action recorded) gets its post hook when it is resumed.
   */
  async around(
    run: CycleRun,
    hooks: CycleHooks,
    opts: { withPre: boolean; signal: AbortSignal },
    attempt: () => Promise<void>,
  ): Promise<SnapshotAttempt> {
    const config = this.options.snapshotHooks;
    const owesPost = opts.withPre || (hooks.pre !== undefined && hooks.post === undefined);
    let failure: unknown = null;
    try {
      if (opts.withPre && config.pre) {
        const pre = await this.run('pre', config.pre, run, hooks, { signal: opts.signal });
        if (!pre.ok) {
          throw new CycleStepError(
            'pre_hook_failed',
            `${describeHookFailure('pre', pre, config.timeoutMs)} No snapshot was taken.`,
          );
        }
      }
      await attempt();
    } catch (err) {
      failure = err;
    }
    const leftForResume = opts.signal.aborted && run.actionId !== null;
    let postHookFailure: string | null = null;
    if (config.post && owesPost && !leftForResume) {
      const post = await this.run('post', config.post, run, hooks, {
        outcome: failure ? 'failed' : 'succeeded',
      });
      if (!post.ok) postHookFailure = describeHookFailure('post', post, config.timeoutMs);
    }
    return { failure, postHookFailure };
  }

  private async run(
    phase: HookPhase,
    command: string,
    run: CycleRun,
    hooks: CycleHooks,
    opts: { signal?: AbortSignal; outcome?: string },
  ): Promise<HookOutcome> {
    const env: Record<string, string> = { SNAPSHOT_PANEL_HOOK: phase, SNAPSHOT_PANEL_RUN_ID: String(run.id) };
    if (run.serverId !== null) env.SNAPSHOT_PANEL_SERVER_ID = String(run.serverId);
    if (run.imageId !== null) env.SNAPSHOT_PANEL_IMAGE_ID = String(run.imageId);
    if (opts.outcome) env.SNAPSHOT_PANEL_OUTCOME = opts.outcome;
    // The post hook is not cancelled at shutdown: leaving a file system frozen would be worse than a slower stop.
    const outcome = await this.runner.run(command, {
      timeoutMs: this.options.snapshotHooks.timeoutMs,
      env,
      signal: opts.signal,
    });
    hooks[phase] = outcome;
    await this.store.hooksRecorded(run, hooks);
    this.logger.log(
      `${phase}-snapshot command of cycle ${run.id} ${outcome.ok ? 'succeeded' : 'failed'} in ${outcome.durationMs} ms`,
    );
    return outcome;
  }
}
