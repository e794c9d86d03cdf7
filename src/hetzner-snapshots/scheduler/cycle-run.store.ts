// The scheduler's database access: cycle runs (written step by step so a restart can resume one), the
// settings it reads, and the nudge that tells the snapshots page its cached list is out of date.
import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, In, IsNull, Not, Repository } from 'typeorm';
import type { RetentionPolicy, RetentionTiers } from '../retention/retention.policy';
import { PanelSettings } from '../settings/panel-settings.entity';
import { SnapshotListCache } from '../snapshots/snapshot-list-cache.entity';
import { markSnapshotListStale } from '../snapshots/snapshot-list.store';
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
  /** null when the stored tiers cannot be read: nothing is deleted then. */
  policy: RetentionPolicy | null;
  policyProblem: string | null;
  webhookUrl: string | null;
  updatedAt: Date;
}

const FINISHED: CycleRunStatus[] = ['succeeded', 'failed', 'interrupted'];

@Injectable()
export class CycleRunStore {
  constructor(
    @InjectRepository(CycleRun) private readonly runs: Repository<CycleRun>,
    @InjectRepository(PanelSettings) private readonly settingsRepo: Repository<PanelSettings>,
    @InjectRepository(SnapshotListCache) private readonly listCache: Repository<SnapshotListCache>,
    @InjectDataSource() private readonly db: DataSource,
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

  async settings(): Promise<SchedulerSettings> {
    const row = await this.settingsRepo.findOneBy({ id: 1 });
    if (!row) throw new Error('The settings row is missing; the database migrations did not run.');
    let tiers: RetentionTiers | null = null;
    let policyProblem: string | null = null;
    if (row.retentionTiers) {
      try {
        tiers = JSON.parse(row.retentionTiers) as RetentionTiers;
      } catch {
        policyProblem = 'the stored retention tiers are not readable';
      }
    }
    return {
      enabled: row.scheduleEnabled,
      frequency: row.frequency,
      policy: policyProblem ? null : { retentionDays: row.retentionDays, keepMin: row.keepMin, tiers },
      policyProblem,
      webhookUrl: row.webhookUrl?.trim() || null,
      updatedAt: row.updatedAt,
    };
  }

  /** The snapshots page treats a NULL fetched_at as stale and lists again on its next view. */
  markSnapshotListStale(serverId: number): Promise<void> {
    return markSnapshotListStale(this.listCache, serverId);
  }

  /** The server's name as the snapshots page last saw it, so pages and the CLI need not ask Hetzner. */
  async cachedServerName(serverId: number): Promise<string | null> {
    const rows: { server_json: string | null }[] = await this.db.query(
      `SELECT "server_json" FROM "snapshot_list_cache" WHERE "server_id" = ?`,
      [serverId],
    );
    try {
      const server = rows[0]?.server_json ? (JSON.parse(rows[0].server_json) as { name?: unknown }) : null;
      return typeof server?.name === 'string' ? server.name : null;
    } catch {
      return null;
    }
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
