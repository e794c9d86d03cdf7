// The only reader and writer of `drill_runs` and `drill_settings`. A drill is written step by step with named
// transitions (started → serverRecorded → booted → portChecked → serverDeleted → finished), so after a crash
// the clean-up finds every server id the panel ever created and not yet deleted.
import { Injectable } from '@nestjs/common';
import type { AuditActor, AuditChange } from '../audit/audit-change';
import { AuditService } from '../audit/audit.service';
import { InjectRepository } from '@nestjs/typeorm';
import { In, IsNull, Not, Repository } from 'typeorm';
import { DRILL_SCHEDULES, DrillSchedule } from './drill.rules';
import { DrillRun, DrillSettings, DrillStatus, DrillTrigger } from './drill-run.entity';

export interface DrillStart {
  trigger: DrillTrigger;
  actor: string;
  imageId: number;
  imageSizeGb: number | null;
  panelServerId: number;
  serverType: string;
  location: string;
  port: number | null;
  estimatedMinutes: number;
  estimatedCost: number;
  hourlyPrice: number;
  currency: string;
  startedAt: Date;
}

export interface DrillConfig {
  port: number | null;
  schedule: DrillSchedule;
  updatedAt: Date;
}

@Injectable()
export class DrillRunStore {
  constructor(
    @InjectRepository(DrillRun) private readonly runs: Repository<DrillRun>,
    @InjectRepository(DrillSettings) private readonly settings: Repository<DrillSettings>,
    private readonly audit: AuditService,
  ) {}

  started(init: DrillStart): Promise<DrillRun> {
    return this.runs.save(
      this.runs.create({
        ...init,
        status: 'running',
        step: 'creating',
        drillServerId: null,
        serverCreatedAt: null,
        runningAt: null,
        bootSeconds: null,
        portResult: null,
        serverDeletedAt: null,
        finishedAt: null,
        cost: null,
        errorMessage: null,
        requestCount: 0,
      }),
    );
  }

  async serverRecorded(id: number, drillServerId: number, at: Date): Promise<void> {
    await this.runs.update({ id }, { drillServerId, serverCreatedAt: at, step: 'booting' });
  }

  async booted(id: number, at: Date, bootSeconds: number): Promise<void> {
    await this.runs.update({ id }, { runningAt: at, bootSeconds, step: 'checking' });
  }

  async portChecked(id: number, result: 'open' | 'closed'): Promise<void> {
    await this.runs.update({ id }, { portResult: result });
  }

  async deleting(id: number): Promise<void> {
    await this.runs.update({ id }, { step: 'deleting' });
  }

  async serverDeleted(id: number, at: Date): Promise<void> {
    await this.runs.update({ id }, { serverDeletedAt: at });
  }

  /** Every server whose deletion a drill has confirmed (so the clean-up need not ask about it again). */
  async finished(
    id: number,
    outcome: {
      status: Exclude<DrillStatus, 'running'>;
      at: Date;
      cost: number | null;
      error: string | null;
      requests: number;
    },
  ): Promise<void> {
    await this.runs.update(
      { id },
      {
        status: outcome.status,
        step: 'done',
        finishedAt: outcome.at,
        cost: outcome.cost,
        errorMessage: outcome.error,
        requestCount: outcome.requests,
      },
    );
  }

  get(id: number): Promise<DrillRun | null> {
    return this.runs.findOneBy({ id });
  }

  /** Drills that never finished: cut off by a crash or a stop (or running now in another process). */
  unfinished(): Promise<DrillRun[]> {
    return this.runs.find({ where: { status: 'running' }, order: { id: 'ASC' } });
  }

  /** Ids of servers the panel created for drills and never saw deleted. */
  async undeletedServerIds(): Promise<Set<number>> {
    const rows = await this.runs.find({
      where: { drillServerId: Not(IsNull()), serverDeletedAt: IsNull() },
      select: { id: true, drillServerId: true },
    });
    return new Set(rows.map((r) => r.drillServerId!));
  }

  /** Every server id the panel ever recorded for a drill (deleted or not). */
  async recordedServerIds(): Promise<Set<number>> {
    const rows = await this.runs.find({
      where: { drillServerId: Not(IsNull()) },
      select: { id: true, drillServerId: true },
    });
    return new Set(rows.map((r) => r.drillServerId!));
  }

  /** Marks the server of these drills deleted (the clean-up did it) and the drills failed, if still running. */
  async cleanedUp(serverId: number, at: Date, note: string): Promise<void> {
    const rows = await this.runs.find({ where: { drillServerId: serverId } });
    for (const row of rows) {
      row.serverDeletedAt ??= at;
      if (row.status === 'running') {
        row.status = 'failed';
        row.step = 'done';
        row.finishedAt = at;
        row.errorMessage = note;
      }
      await this.runs.save(row);
    }
  }

  /** A drill cut off before Hetzner created its server (or whose server is gone): failed, nothing to delete. */
  async interrupted(id: number, at: Date, note: string): Promise<void> {
    await this.runs.update(
      { id, status: 'running' },
      { status: 'failed', step: 'done', finishedAt: at, errorMessage: note },
    );
  }

  recent(limit = 20): Promise<DrillRun[]> {
    return this.runs.find({ order: { startedAt: 'DESC', id: 'DESC' }, take: limit });
  }

  /** The newest finished drill per snapshot, for "last verified" on the snapshots page. */
  async latestPerImage(imageIds: number[]): Promise<Map<number, DrillRun>> {
    const out = new Map<number, DrillRun>();
    if (imageIds.length === 0) return out;
    const rows = await this.runs.find({
      where: { imageId: In(imageIds), status: Not('running') },
      order: { startedAt: 'DESC', id: 'DESC' },
    });
    for (const row of rows) if (!out.has(row.imageId)) out.set(row.imageId, row);
    return out;
  }

  latestFinished(): Promise<DrillRun | null> {
    return this.runs.findOne({ where: { status: Not('running') }, order: { startedAt: 'DESC', id: 'DESC' } });
  }

  latestPassed(): Promise<DrillRun | null> {
    return this.runs.findOne({ where: { status: 'passed' }, order: { startedAt: 'DESC', id: 'DESC' } });
  }

  latestScheduled(): Promise<DrillRun | null> {
    return this.runs.findOne({ where: { trigger: 'schedule' }, order: { startedAt: 'DESC', id: 'DESC' } });
  }

  async config(): Promise<DrillConfig> {
    const row = await this.settings.findOneBy({ id: 1 });
    const schedule = DRILL_SCHEDULES.includes(row?.schedule as DrillSchedule)
      ? (row!.schedule as DrillSchedule)
      : 'off';
    return { port: row?.port ?? null, schedule, updatedAt: row?.updatedAt ?? new Date(0) };
  }

  /** Saves the drill settings and their audit entry together (one transaction); returns what changed. */
  async saveConfig(config: {
    port: number | null;
    schedule: DrillSchedule;
    at: Date;
    actor?: AuditActor;
  }): Promise<AuditChange[]> {
    return this.settings.manager.transaction(async (manager) => {
      const repo = manager.getRepository(DrillSettings);
      const before = await repo.findOneBy({ id: 1 });
      const changes: AuditChange[] = [];
      const from = (v: number | string | null | undefined) =>
        v === null || v === undefined ? null : String(v);
      if (from(before?.port) !== from(config.port))
        changes.push({ field: 'drillPort', from: from(before?.port), to: from(config.port) });
      if (before?.schedule !== config.schedule)
        changes.push({ field: 'drillSchedule', from: before?.schedule ?? null, to: config.schedule });
      await repo.save({ id: 1, port: config.port, schedule: config.schedule, updatedAt: config.at });
      if (changes.length > 0 && config.actor)
        await this.audit.record({ actor: config.actor, action: 'drills.updated', changes }, manager);
      return changes;
    });
  }
}
