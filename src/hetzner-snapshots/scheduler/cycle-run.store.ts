// The scheduler's database access: cycle runs (written step by step so a restart can resume one), the
// settings it reads (from PanelSettingsStore), and the nudge that tells the snapshots page its cached list
// is out of date (through SnapshotListStore, which owns that table).
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, IsNull, Not, Repository } from 'typeorm';
import type { RetentionPolicy } from '../retention/retention.policy';
import { PanelSettingsStore } from '../settings/panel-settings.store';
import { SnapshotListStore } from '../snapshots/snapshot-list.store';
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

  start(init: { trigger: CycleRunTrigger; startedAt: Date; phase: string }): Promise<CycleRun> {
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

  async save(run: CycleRun): Promise<CycleRun> {
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

export function readDeleted(run: CycleRun): DeletedSnapshot[] {
  try {
    const list = JSON.parse(run.deleted || '[]') as unknown;
    return Array.isArray(list) ? (list as DeletedSnapshot[]) : [];
  } catch {
    return [];
  }
}
