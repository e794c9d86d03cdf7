// The scheduler's database access: cycle runs (written step by step so a restart can resume one), the
// settings it reads (from PanelSettingsStore), and the nudge that tells the snapshots page its cached list
// is out of date (through SnapshotListStore, which owns that table).
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, IsNull, Not, Repository } from 'typeorm';
import type { RetentionPolicy } from '../retention/retention.policy';
import { PanelSettingsStore } from '../settings/panel-settings.store';
import { SnapshotListStore } from '../snapshot-list/snapshot-list.store';
import { CycleRun, CycleRunStatus, CycleRunTrigger } from './cycle-run.entity';
import type { CycleHooks } from './snapshot-hook.runner';

export interface DeletedSnapshot {
  id: number;
  description: string;
  /** ISO time the snapshot was created */
  created: string;
  reason: string;
}

export interface SchedulerSettings {
  enabled: boolean;
  frequency: string;
  /** null when the stored retention cannot be used (PanelSettingsStore's verdict): nothing is deleted then. */
  policy: RetentionPolicy | null;
  policyProblem: string | null;
  updatedAt: Date;
}

const FINISHED: CycleRunStatus[] = ['succeeded', 'failed', 'interrupted'];

@Injectable()
export class CycleRunStore {
  constructor(
    @InjectRepository(CycleRun) private readonly runs: Repository<CycleRun>,
    private readonly settingsStore: PanelSettingsStore,
    private readonly snapshotList: SnapshotListStore,
  ) {}

  // The run's state machine, one named transition per step. Each writes the row at once, so a process killed
  // anywhere leaves a row that says how far it got, and resume picks it up at that step.

  /** running, in `phase` ('creating' for a snapshot cycle, 'pruning' for a prune). */
  started(init: {
    trigger: CycleRunTrigger;
    startedAt: Date;
    phase: 'creating' | 'pruning';
  }): Promise<CycleRun> {
    return this.runs.save(
      this.runs.create({
        ...init,
        status: 'running',
        deleted: '[]',
        requestCount: 0,
        finishedAt: null,
        hooksJson: null,
      }),
    );
  }

  serverIdentified(run: CycleRun, serverId: number): Promise<CycleRun> {
    run.serverId = serverId;
    return this.runs.save(run);
  }

  /** A run left running is taken up again; a prune keeps its trigger (it is not a snapshot cycle). */
  resumed(run: CycleRun): void {
    if (run.trigger !== 'prune') run.trigger = 'resume';
  }

  hooksRecorded(run: CycleRun, hooks: CycleHooks): Promise<CycleRun> {
    run.hooksJson = JSON.stringify(hooks);
    return this.runs.save(run);
  }

  /** Hetzner accepted create_image: from here on a restart follows this action instead of starting another. */
  actionRecorded(run: CycleRun, created: { imageId: number; actionId: number }): Promise<CycleRun> {
    run.imageId = created.imageId;
    run.actionId = created.actionId;
    run.phase = 'waiting';
    return this.runs.save(run);
  }

  // confirmed, pruned and resumed change the run in memory: the next transition writes them with its own.

  /** The snapshot is available; how long Hetzner took is learned for the next cycle's polls. */
  confirmed(run: CycleRun, snapshotMs: number | null): void {
    run.snapshotMs = snapshotMs;
  }

  pruning(run: CycleRun, requestCount: number): Promise<CycleRun> {
    run.phase = 'pruning';
    run.requestCount = requestCount;
    return this.runs.save(run);
  }

  /** Saved after each deletion: a process killed mid-prune still shows what it deleted. */
  deletionRecorded(run: CycleRun, deletedSoFar: DeletedSnapshot[]): Promise<CycleRun> {
    run.deleted = JSON.stringify(deletedSoFar);
    return this.runs.save(run);
  }

  /** What pruning did, or why it did not (then `deleted` is null and stays as it was). */
  pruned(run: CycleRun, result: { deleted: DeletedSnapshot[] | null; note: string | null }): void {
    if (result.deleted) run.deleted = JSON.stringify(result.deleted);
    run.pruneNote = result.note;
  }

  /** Cut off while its action runs: stays `running`, and the next start follows the same action. */
  leftForResume(run: CycleRun, requestCount: number): Promise<CycleRun> {
    run.requestCount = requestCount;
    return this.runs.save(run);
  }

  finished(
    run: CycleRun,
    end: {
      status: Exclude<CycleRunStatus, 'running'>;
      errorCode: string | null;
      errorMessage: string | null;
      pruneNote: string | null;
      requestCount: number;
      finishedAt: Date;
    },
  ): Promise<CycleRun> {
    Object.assign(run, end, { phase: 'done' });
    return this.runs.save(run);
  }

  findRunning(): Promise<CycleRun[]> {
    return this.runs.find({ where: { status: 'running' }, order: { id: 'ASC' } });
  }

  findById(id: number): Promise<CycleRun | null> {
    return this.runs.findOneBy({ id });
  }

  /** Newest first. */
  async page(page: number, perPage: number): Promise<{ runs: CycleRun[]; total: number }> {
    const [runs, total] = await this.runs.findAndCount({
      order: { startedAt: 'DESC', id: 'DESC' },
      skip: (page - 1) * perPage,
      take: perPage,
    });
    return { runs, total };
  }

  /** The history strip's facts of the newest `count` runs, without their text columns (deleted, hooks, errors). */
  recentOutcomes(count: number): Promise<CycleRun[]> {
    return this.runs.find({
      select: { id: true, status: true, startedAt: true, finishedAt: true, requestCount: true },
      order: { startedAt: 'DESC', id: 'DESC' },
      take: count,
    });
  }

  recent(count: number): Promise<CycleRun[]> {
    return this.runs.find({ order: { startedAt: 'DESC', id: 'DESC' }, take: count });
  }

  /** The last run that finished (any trigger). */
  lastFinished(): Promise<CycleRun | null> {
    return this.runs.findOne({ where: { status: In(FINISHED) }, order: { finishedAt: 'DESC', id: 'DESC' } });
  }

  /** The last snapshot cycle (not a prune-only run) that finished before `beforeId`, for recovery notices. */
  previousSnapshotCycle(beforeId: number): Promise<CycleRun | null> {
    return this.runs
      .createQueryBuilder('run')
      .where('run.id < :beforeId', { beforeId })
      .andWhere('run.trigger != :prune', { prune: 'prune' })
      .andWhere('run.status IN (:...finished)', { finished: FINISHED })
      .orderBy('run.id', 'DESC')
      .getOne();
  }

  /** How long this server's last confirmed snapshots took (ms, newest first), for placing the next polls. */
  async recentSnapshotDurations(serverId: number, count: number): Promise<number[]> {
    const rows = await this.runs.find({
      select: { id: true, snapshotMs: true },
      where: { serverId, status: 'succeeded', snapshotMs: Not(IsNull()) },
      order: { id: 'DESC' },
      take: count,
    });
    return rows.map((row) => row.snapshotMs as number);
  }

  /** The last cycle that made an automatic snapshot. */
  lastSuccess(): Promise<CycleRun | null> {
    return this.runs.findOne({
      where: { status: 'succeeded', trigger: Not('prune') },
      order: { finishedAt: 'DESC', id: 'DESC' },
    });
  }

  /** How many finished runs ended how, by trigger kind, status and error code (the metrics' outcome counts). */
  async outcomeCounts(): Promise<{ kind: 'cycle' | 'prune'; status: string; code: string; count: number }[]> {
    const rows: { kind: 'cycle' | 'prune'; status: string; code: string | null; count: number }[] =
      await this.runs.query(
        `SELECT CASE WHEN "trigger" = 'prune' THEN 'prune' ELSE 'cycle' END AS "kind", "status",
              COALESCE("error_code", '') AS "code", COUNT(*) AS "count"
       FROM "cycle_runs" WHERE "status" <> 'running' GROUP BY 1, 2, 3`,
      );
    return rows.map((r) => ({ kind: r.kind, status: r.status, code: r.code ?? '', count: Number(r.count) }));
  }

  async settings(): Promise<SchedulerSettings> {
    const s = await this.settingsStore.read();
    return {
      enabled: s.scheduleEnabled,
      frequency: s.frequency,
      policy: s.retention.kind === 'usable' ? s.retention.policy : null,
      policyProblem: s.retention.kind === 'unusable' ? s.retention.reason : null,
      updatedAt: s.updatedAt,
    };
  }

  /** The snapshots page treats a NULL fetched_at as stale and lists again on its next view. */
  markSnapshotListStale(serverId: number): Promise<void> {
    return this.snapshotList.markStale(serverId);
  }

  /** The server's name as the snapshots page last saw it, so pages and the CLI need not ask Hetzner. */
  async cachedServerName(serverId: number): Promise<string | null> {
    const name: unknown = (await this.snapshotList.read(serverId))?.server?.name;
    return typeof name === 'string' ? name : null;
  }
}

export function readHooks(run: CycleRun): CycleHooks {
  try {
    return run.hooksJson ? (JSON.parse(run.hooksJson) as CycleHooks) : {};
  } catch {
    return {};
  }
}

export function readDeleted(run: Pick<CycleRun, 'deleted'>): DeletedSnapshot[] {
  try {
    const list = JSON.parse(run.deleted || '[]') as unknown;
    return Array.isArray(list) ? (list as DeletedSnapshot[]) : [];
  } catch {
    return [];
  }
}
