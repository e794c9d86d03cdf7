// Owns the panel_settings row (one row, id 1): the only class that reads or writes it. It hands out a typed
// snapshot with the retention policy already judged by parseRetentionPolicy (one rule for the page, the
// pruner, doctor and the banners) and offers named writes, each with its audit entry in the same transaction.
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import type { AuditActor, AuditAction, AuditChange } from '../audit/audit-change';
import { AuditService } from '../audit/audit.service';
import { parseRetentionPolicy, type RetentionPolicyReading } from '../retention/retention-policy.parse';
import { PanelSettings } from './panel-settings.entity';

const SETTINGS_ID = 1;

/** The stored token: sealed by TokenVault; nothing here can or needs to open it. */
export interface StoredToken {
  sealed: string;
  last4: string | null;
  savedAt: Date | null;
  checkedAt: Date | null;
  /** read_write | read_only | unauthorized | wrong_project | unreachable */
  checkResult: string | null;
}

export interface PanelSettingsSnapshot {
  token: StoredToken | null;
  /** A token is stored (whether the current key opens it is TokenVault's question). */
  hasToken: boolean;
  scheduleEnabled: boolean;
  /** As stored: '6h' | 'daily@03:30' | 'weekly@mon@03:30' | 'cron:<expression>' (readSavedSchedule judges it). */
  frequency: string;
  retentionDays: number;
  keepMin: number;
  /** The stored tiers text, kept as it is so a save that does not change them writes them back untouched. */
  storedTiers: string | null;
  /** The one verdict on the stored retention columns. */
  retention: RetentionPolicyReading;
  webhookUrl: string | null;
  updatedAt: Date;
}

/** The schedule and retention columns a save writes (the tiers as their stored text). */
export interface ScheduleWrite {
  scheduleEnabled: boolean;
  frequency: string;
  retentionDays: number;
  keepMin: number;
  retentionTiers: string | null;
}

export interface SettingsAudit {
  actor: AuditActor;
  action: AuditAction;
  changes: AuditChange[];
}

export class SettingsRowMissingError extends Error {
  constructor() {
    super('The settings row is missing; the database migrations did not run.');
  }
}

@Injectable()
export class PanelSettingsStore {
  constructor(
    @InjectRepository(PanelSettings) private readonly repo: Repository<PanelSettings>,
    private readonly audit: AuditService,
  ) {}

  async read(): Promise<PanelSettingsSnapshot> {
    const row = await this.repo.findOneBy({ id: SETTINGS_ID });
    if (!row) throw new SettingsRowMissingError();
    return snapshotOf(row);
  }

  /** When the row last changed (by any process), without reading the rest: the runner polls it. */
  async updatedAt(): Promise<Date | null> {
    const row = await this.repo.findOne({
      where: { id: SETTINGS_ID },
      select: { id: true, updatedAt: true },
    });
    return row?.updatedAt ?? null;
  }

  /** Stores a checked token (already sealed) and its audit entry. Returns the settings before. */
  async saveToken(
    token: { sealed: string; last4: string; at: Date },
    audit: (before: PanelSettingsSnapshot) => SettingsAudit,
  ): Promise<PanelSettingsSnapshot> {
    return this.change(async (before, repo) => {
      await repo.update(
        { id: SETTINGS_ID },
        {
          tokenEncrypted: token.sealed,
          tokenLast4: token.last4,
          tokenSavedAt: token.at,
          tokenCheckedAt: token.at,
          tokenCheckResult: 'read_write',
          updatedAt: token.at,
        },
      );
      return audit(before);
    });
  }

  /** The outcome of checking the stored token again: not a settings change, so no audit entry. */
  async recordTokenCheck(at: Date, result: string): Promise<void> {
    await this.repo.update({ id: SETTINGS_ID }, { tokenCheckedAt: at, tokenCheckResult: result });
  }

  /** Forgets the stored token and pauses the schedule (it cannot run without one). No-op without a token. */
  async clearToken(
    at: Date,
    audit: (before: PanelSettingsSnapshot) => SettingsAudit,
  ): Promise<PanelSettingsSnapshot> {
    return this.change(async (before, repo) => {
      if (!before.hasToken) return null;
      await repo.update(
        { id: SETTINGS_ID },
        {
          tokenEncrypted: null,
          tokenLast4: null,
          tokenSavedAt: null,
          tokenCheckedAt: null,
          tokenCheckResult: null,
          scheduleEnabled: false,
          updatedAt: at,
        },
      );
      return audit(before);
    });
  }

  /**
   * Saves the schedule and retention. `decide` sees the stored settings and returns what to write
   * with its audit entry, or null to write nothing (no change, or refused).
   */
  async saveSchedule(
    at: Date,
    decide: (before: PanelSettingsSnapshot) => { write: ScheduleWrite; audit: SettingsAudit } | null,
  ): Promise<PanelSettingsSnapshot> {
    return this.change(async (before, repo) => {
      const decision = decide(before);
      if (!decision) return null;
      await repo.update({ id: SETTINGS_ID }, { ...decision.write, updatedAt: at });
      return decision.audit;
    });
  }

  private async change(
    work: (before: PanelSettingsSnapshot, repo: Repository<PanelSettings>) => Promise<SettingsAudit | null>,
  ): Promise<PanelSettingsSnapshot> {
    return this.repo.manager.transaction(async (m) => {
      const repo = m.getRepository(PanelSettings);
      const row = await repo.findOneBy({ id: SETTINGS_ID });
      if (!row) throw new SettingsRowMissingError();
      const before = snapshotOf(row);
      const entry = await work(before, repo);
      if (entry) await this.audit.record(entry, m);
      return before;
    });
  }
}

function snapshotOf(row: PanelSettings): PanelSettingsSnapshot {
  const token: StoredToken | null = row.tokenEncrypted
    ? {
        sealed: row.tokenEncrypted,
        last4: row.tokenLast4,
        savedAt: row.tokenSavedAt,
        checkedAt: row.tokenCheckedAt,
        checkResult: row.tokenCheckResult,
      }
    : null;
  return {
    token,
    hasToken: token !== null,
    scheduleEnabled: Boolean(row.scheduleEnabled),
    frequency: row.frequency,
    retentionDays: row.retentionDays,
    keepMin: row.keepMin,
    storedTiers: row.retentionTiers,
    retention: parseRetentionPolicy(row),
    webhookUrl: row.webhookUrl?.trim() || null,
    updatedAt: row.updatedAt,
  };
}
