// Owns the one-time backfill that gives the panel's existing snapshots of this server the server label, so
// retention and the snapshots page can select them by label instead of listing every snapshot of the project.
// Runs under the cycle lease (no race with a cycle, a prune or a CLI command), labels only, never another
// tool's or another server's snapshot, and is resumable: what is labelled drops out of its own work list.
import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { PluginLogger } from '../logging/plugin.logger';
import { CLOCK, Clock } from '../../clock/clock';
import type { AuditAction } from '../audit/audit-change';
import { AuditService } from '../audit/audit.service';
import { backgroundMayRun } from '../connection/api-budget';
import { ApiUsageStore } from '../connection/api-usage.store';
import { HetznerConnectionService } from '../connection/hetzner-connection.service';
import { describeHcloudError, isHcloudError, type HcloudApi, type HcloudImage } from '../hcloud';
import { CYCLE_LEASE, CYCLE_LEASE_TTL_MS } from '../lease/cycle-lease';
import { LeaseService } from '../lease/lease.service';
import { ServerStateStore } from '../server-state/server-state.store';
import { PANEL_LABEL, PANEL_LABEL_VALUE, selectors, serverLabelOf, withServerLabel } from './snapshot-labels';

export type LabelBackfillOutcome =
  | { status: 'done-before' }
  /** Another cycle, prune or restore holds the lease; try again later. */
  | { status: 'busy' }
  /** The project's API budget is low: what is left belongs to the cycles; try again later. */
  | { status: 'deferred'; labelledNow: number; requests: number }
  | { status: 'completed'; labelledNow: number; labelledInAll: number; requests: number }
  | { status: 'failed'; message: string; labelledNow: number; requests: number };

export const LABEL_BACKFILL_AUDIT_ACTION: AuditAction = 'snapshots.server-labelled';

/** Whether the backfill may label this listed image: a snapshot of the panel, made from this server, unlabelled. */
export function needsServerLabel(image: HcloudImage, serverId: number): boolean {
  return (
    image.type === 'snapshot' &&
    image.labels?.[PANEL_LABEL] === PANEL_LABEL_VALUE &&
    image.created_from?.id === serverId &&
    serverLabelOf(image.labels) === 'absent'
  );
}

@Injectable()
export class LabelBackfillService implements OnModuleDestroy {
  private readonly logger = new PluginLogger('LabelBackfill');
  private running: Promise<LabelBackfillOutcome> | null = null;
  private stopping = false;

  constructor(
    private readonly connection: HetznerConnectionService,
    private readonly leases: LeaseService,
    private readonly state: ServerStateStore,
    private readonly audit: AuditService,
    private readonly usage: ApiUsageStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** Runs the backfill unless it completed before; one run at a time in this process. */
  runIfDue(): Promise<LabelBackfillOutcome> {
    this.running ??= this.run().finally(() => (this.running = null));
    return this.running;
  }

  /** A backfill under way stops after the image it is on; what it labelled stays counted. */
  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    await this.running?.catch(() => undefined);
  }

  private async run(): Promise<LabelBackfillOutcome> {
    if (this.stopping) return { status: 'busy' };
    const serverId = await this.connection.serverId();
    if (await this.state.labelsBackfilled(serverId)) return { status: 'done-before' };
    if (!(await this.budgetAllows())) return { status: 'deferred', labelledNow: 0, requests: 0 };
    const keeper = await this.leases.tryHold(CYCLE_LEASE, CYCLE_LEASE_TTL_MS);
    if (!keeper) return { status: 'busy' };
    let requests = 0;
    let labelledNow = 0;
    try {
      const api = await this.connection.client({ onRequest: () => requests++ });
      const listed = await api.listImages({
        type: 'snapshot',
        label_selector: selectors.panelWithoutServerLabel(),
      });
      for (const image of listed.filter((candidate) => needsServerLabel(candidate, serverId))) {
        if (this.stopping) throw new Error('the panel is shutting down');
        if (!(await this.budgetAllows())) {
          this.logger.log(
            `labelled ${labelledNow} snapshot(s); the API budget is low, so the rest waits [${requests} Hetzner requests]`,
          );
          return { status: 'deferred', labelledNow, requests };
        }
        if (await this.label(api, image.id, serverId)) {
          labelledNow++;
          await this.state.countLabelled(serverId);
        }
        keeper.touch();
      }
      const done = await this.state.completeLabelBackfill(serverId, this.clock.now());
      await this.audit.record({
        actor: 'system',
        action: LABEL_BACKFILL_AUDIT_ACTION,
        changes: [{ field: 'serverLabel', from: null, to: `${done.labelled} snapshots` }],
      });
      this.logger.log(
        `gave ${done.labelled} existing snapshot(s) of server ${serverId} the server label [${requests} Hetzner requests]`,
      );
      return { status: 'completed', labelledNow, labelledInAll: done.labelled, requests };
    } catch (err) {
      const message = describeHcloudError(err);
      this.logger.warn(
        `labelling existing snapshots stopped after ${labelledNow} (${message}); it is tried again later`,
      );
      return { status: 'failed', message, labelledNow, requests };
    } finally {
      await keeper.release();
    }
  }

  private async budgetAllows(): Promise<boolean> {
    return backgroundMayRun((await this.usage.current()).pressure);
  }

  /**
   * Reads the image again right before changing it, so a label set meanwhile (an admin's "keep") is not
   * overwritten with the listing's older labels; false when it is gone or no longer needs the label.
   */
  private async label(api: HcloudApi, id: number, serverId: number): Promise<boolean> {
    try {
      const fresh = await api.getImage(id);
      if (!needsServerLabel(fresh, serverId)) return false;
      await api.updateImage(id, { labels: withServerLabel(fresh.labels ?? {}, serverId) });
      return true;
    } catch (err) {
      if (isHcloudError(err, 'not_found')) return false;
      throw err;
    }
  }
}
