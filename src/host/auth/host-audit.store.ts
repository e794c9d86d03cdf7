// Owns host_audit_entries and admin_addresses: the host's own audit trail (sign-ins from a new address,
// two-factor turned on or off or reset, admins removed). The snapshot plugin's audit trail records changes
// to its settings; who signs in to the host is the host's business, so a host that embeds the plugin keeps
// its own trail and the plugin never learns about admins.
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { CLOCK, Clock } from '../../clock/clock';
import { rawSqlite, sqliteTime } from './atomic-sqlite';
import { HostAuditEntry } from './two-factor.entities';

export type HostAuditAction =
  'sign-in.new-address' | 'two-factor.enabled' | 'two-factor.disabled' | 'two-factor.reset' | 'admin.removed';

@Injectable()
export class HostAuditStore {
  private readonly logger = new Logger('Audit');

  constructor(
    @InjectRepository(HostAuditEntry) private readonly entries: Repository<HostAuditEntry>,
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async record(actor: string, action: HostAuditAction, detail: string): Promise<void> {
    await this.entries.save({ at: this.clock.now(), actor, action, detail });
    this.logger.log(`${action} by ${actor}: ${detail}`);
  }

  /** Notes a sign-in address; true when this admin never signed in from it before. */
  seenAddress(adminId: number, address: string, now: Date): boolean {
    const at = sqliteTime(now);
    const inserted = rawSqlite(this.dataSource)
      .prepare(
        `INSERT INTO "admin_addresses" ("admin_id", "address", "first_seen_at", "last_seen_at") VALUES (?, ?, ?, ?)
         ON CONFLICT ("admin_id", "address") DO NOTHING`,
      )
      .run(adminId, address, at, at).changes;
    if (inserted === 0)
      rawSqlite(this.dataSource)
        .prepare(`UPDATE "admin_addresses" SET "last_seen_at" = ? WHERE "admin_id" = ? AND "address" = ?`)
        .run(at, adminId, address);
    return inserted === 1;
  }

  recent(limit = 20): Promise<HostAuditEntry[]> {
    return this.entries.find({ order: { id: 'DESC' }, take: limit });
  }
}
