// The cycle's prune step: list this server's automatic snapshots (every page, by label once backfilled), let
// the pure retention function plan, and delete what it chose, oldest first, each deletion written to the run
// as it happens. Any doubt (an incomplete listing, an unreadable policy) deletes nothing and says why.
import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, Clock } from '../../clock/clock';
import { describeHcloudError, isHcloudError, type HcloudApi, type HcloudImage } from '../hcloud';
import { HETZNER_SNAPSHOTS_OPTIONS, HetznerSnapshotsModuleOptions } from '../hetzner-snapshots.options';
import { selectors, serverLabelOf } from '../labels/snapshot-labels';
import { RetentionPolicyError } from '../retention/retention-policy.error';
import { planRetention, type RetentionPlan, type RetentionPolicy } from '../retention/retention.policy';
import { plural } from '../wording/plural';
import { ServerStateStore } from '../server-state/server-state.store';
import type { CycleRun } from './cycle-run.entity';
import { CycleRunStore, DeletedSnapshot, SchedulerSettings } from './cycle-run.store';
import { CycleStepError, RETENTION_DOUBT, toRetentionCandidate } from './cycle.decisions';

export interface PrunePreview {
  serverId: number;
  policy: RetentionPolicy | null;
  /** null when nothing can be decided (listing incomplete, policy unreadable); `note` says why. */
  plan: RetentionPlan | null;
  images: HcloudImage[];
  note: string | null;
}

type PrunePlan = Omit<PrunePreview, 'serverId' | 'policy'>;

interface PruneResult {
  deleted: DeletedSnapshot[];
  note: string;
  stoppedBy: string | null;
}

@Injectable()
export class SnapshotPruner {
  constructor(
    @Inject(HETZNER_SNAPSHOTS_OPTIONS) private readonly options: HetznerSnapshotsModuleOptions,
    private readonly store: CycleRunStore,
    private readonly serverState: ServerStateStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** What retention would delete now and why. Changes nothing. */
  async preview(api: HcloudApi, serverId: number): Promise<PrunePreview> {
    const settings = await this.store.settings();
    return { serverId, policy: settings.policy, ...(await this.plan(api, serverId, settings)) };
  }

  /** Prunes after a confirmed snapshot; whatever goes wrong here is noted on the run, the snapshot still counts. */
  async afterSnapshot(
    run: CycleRun,
    api: HcloudApi,
    requestCount: number,
    signal: AbortSignal,
  ): Promise<void> {
    await this.store.pruning(run, requestCount);
    const preview = await this.plan(api, run.serverId as number, await this.store.settings());
    if (!preview.plan) {
      this.store.pruned(run, { deleted: null, note: preview.note });
      return;
    }
    const pruned = await this.carryOut(run, api, preview.images, preview.plan, signal);
    this.store.pruned(run, pruned);
  }

  /** `snapshot-panel prune`: the same plan and deletions, but a prune that cannot finish fails its run. */
  async alone(run: CycleRun, api: HcloudApi, signal: AbortSignal): Promise<void> {
    const preview = await this.plan(api, run.serverId as number, await this.store.settings());
    if (!preview.plan) {
      this.store.pruned(run, { deleted: null, note: preview.note });
      throw new CycleStepError('prune_not_possible', preview.note ?? 'Nothing was deleted.');
    }
    const pruned = await this.carryOut(run, api, preview.images, preview.plan, signal);
    this.store.pruned(run, pruned);
    if (pruned.stoppedBy) throw new CycleStepError('prune_incomplete', pruned.stoppedBy);
  }

  /** Lists this server's automatic snapshots (every page) and lets the retention function decide. */
  private async plan(api: HcloudApi, serverId: number, settings: SchedulerSettings): Promise<PrunePlan> {
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

  /**
   * Deletes what the plan chose, oldest first, each deletion written to the run at once (a process killed
   * mid-prune still shows what it deleted); a protected or vanished snapshot is noted, anything else stops pruning.
   */
  private async carryOut(
    run: CycleRun,
    api: HcloudApi,
    images: HcloudImage[],
    plan: RetentionPlan,
    signal: AbortSignal,
  ): Promise<PruneResult> {
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
        if (isHcloudError(err, 'not_found')) {
          notes.push(`Snapshot ${id} was already gone.`);
        } else if (isHcloudError(err, 'locked', 'protected')) {
          notes.push(`Snapshot ${id} was not deleted: ${describeHcloudError(err)}`);
        } else {
          stoppedBy = `Deleting snapshot ${id} failed, so pruning stopped for now: ${describeHcloudError(err)}`;
          break;
        }
        continue;
      }
      await this.store.deletionRecorded(run, deleted);
    }
    const head =
      deleted.length > 0
        ? `Deleted ${plural(deleted.length, 'snapshot')} past retention.`
        : 'Deleted nothing.';
    const note = [head, plan.summary, ...notes, ...(stoppedBy ? [stoppedBy] : [])].join(' ');
    return { deleted, note, stoppedBy };
  }
}
