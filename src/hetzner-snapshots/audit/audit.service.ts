// Owns the audit trail of settings changes (audit_entries): who changed what, when. Writers pass their
// transaction's EntityManager so a change and its entry are stored together or not at all.
import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { CLOCK, Clock } from '../../clock/clock';
import { AuditEntry } from './audit-entry.entity';
import { AuditAction, AuditActor, AuditChange, parseAuditChanges } from './audit-change';

export interface AuditRecord {
  id: number;
  at: Date;
  actor: string;
  action: string;
  changes: AuditChange[];
}

@Injectable()
export class AuditService {
  constructor(
    @InjectRepository(AuditEntry) private readonly entries: Repository<AuditEntry>,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async record(
    entry: { actor: AuditActor; action: AuditAction; changes: AuditChange[] },
    manager?: EntityManager,
  ): Promise<void> {
    const repo = manager ? manager.getRepository(AuditEntry) : this.entries;
    await repo.insert({
      at: this.clock.now(),
      actor: entry.actor,
      action: entry.action,
      changes: JSON.stringify(entry.changes),
    });
  }

  /** Newest first; only entries of `action` when given. */
  async recent(limit = 20, action?: AuditAction): Promise<AuditRecord[]> {
    const rows = await this.entries.find({
      where: action ? { action } : {},
      order: { at: 'DESC', id: 'DESC' },
      take: limit,
    });
    return rows.map((r) => ({
      id: r.id,
      at: r.at,
      actor: r.actor,
      action: r.action,
      changes: parseAuditChanges(r.changes),
    }));
  }
}
