// Owns api_usage and api_budget: every Hetzner request any process of this panel makes is counted per minute,
// and the RateLimit-* headers of the latest answer are kept, so pages, `doctor` and background work can ask
// "how much is left, and how much did we spend" without spending a request to find out.
import { Inject, Injectable } from '@nestjs/common';
import { PluginLogger } from '../logging/plugin.logger';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { CLOCK, Clock } from '../../clock/clock';
import type { HcloudRequestEvent } from '../hcloud';
import { sqliteUtc } from '../lease/lease.service';
import { budgetPressure, type BudgetPressure, type SeenRateLimit } from './api-budget';
import { ApiBudget, ApiUsageMinute } from './api-usage.entity';

const MINUTE_MS = 60_000;
/** Minute rows older than this are removed; the pages only ever ask about the last hour. */
const KEEP_MINUTES = 120;

export interface ApiUsage {
  seen: SeenRateLimit | null;
  pressure: BudgetPressure;
  spentLastHour: number;
}

@Injectable()
export class ApiUsageStore {
  private readonly logger = new PluginLogger('ApiUsage');
  private lastPrunedMinute = 0;
  /**
   * Writes not yet done, so a page (or shutdown) can wait for the counts to be stored. Each leaves the set
   * when it settles: chaining them into one promise kept every finished write's result for good (five small
   * arrays a cycle, found by the 1,000-cycle memory bench).
   */
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    @InjectRepository(ApiBudget) private readonly budget: Repository<ApiBudget>,
    @InjectRepository(ApiUsageMinute) private readonly usage: Repository<ApiUsageMinute>,
    @InjectDataSource() private readonly db: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** Counts one request attempt (the client reports it synchronously; the write happens behind it). */
  record(event: HcloudRequestEvent): void {
    // A request that never got an answer may not have reached Hetzner; it is not counted.
    if (typeof event.status !== 'number') return;
    const now = this.clock.now();
    const write: Promise<void> = this.write(event, now)
      .catch((err: unknown) =>
        this.logger.warn(`could not count a Hetzner request: ${(err as Error).message}`),
      )
      .finally(() => this.inFlight.delete(write));
    this.inFlight.add(write);
  }

  /** How many recorded counts are not stored yet. */
  get writesInFlight(): number {
    return this.inFlight.size;
  }

  /** Resolves when every count recorded so far (and any recorded while waiting) is stored. */
  async flushed(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all(this.inFlight);
  }

  async current(): Promise<ApiUsage> {
    await this.flushed();
    const now = this.clock.now();
    const row = await this.budget.findOneBy({ id: 1 });
    const seen: SeenRateLimit | null = row
      ? { limit: row.limit, remaining: row.remaining, resetAt: row.resetAt, seenAt: row.seenAt }
      : null;
    const since = Math.floor(now.getTime() / MINUTE_MS) - 59;
    const rows: { total: number | null }[] = await this.db.query(
      `SELECT SUM("requests") AS "total" FROM "api_usage" WHERE "minute" >= ?`,
      [since],
    );
    return { seen, pressure: budgetPressure(seen, now), spentLastHour: Number(rows[0]?.total ?? 0) };
  }

  private async write(event: HcloudRequestEvent, now: Date): Promise<void> {
    const minute = Math.floor(now.getTime() / MINUTE_MS);
    await this.db.query(
      `INSERT INTO "api_usage" ("minute", "requests") VALUES (?, 1)
       ON CONFLICT ("minute") DO UPDATE SET "requests" = "requests" + 1`,
      [minute],
    );
    if (event.rateLimit) {
      const { limit, remaining, resetAt } = event.rateLimit;
      await this.db.query(
        `INSERT INTO "api_budget" ("id", "limit_total", "remaining", "reset_at", "seen_at") VALUES (1, ?, ?, ?, ?)
         ON CONFLICT ("id") DO UPDATE SET "limit_total" = excluded."limit_total", "remaining" = excluded."remaining",
           "reset_at" = excluded."reset_at", "seen_at" = excluded."seen_at"`,
        [limit, remaining, sqliteUtc(resetAt), sqliteUtc(now)],
      );
    }
    if (minute !== this.lastPrunedMinute) {
      this.lastPrunedMinute = minute;
      await this.usage
        .createQueryBuilder()
        .delete()
        .where('minute < :old', { old: minute - KEEP_MINUTES })
        .execute();
    }
  }
}
