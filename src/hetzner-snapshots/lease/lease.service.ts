// Owns the named locks in the `leases` table that keep the server and CLI commands from running two snapshot
// cycles at once. A lease has an owner (hostname:pid:random) and an expiry, so a process that died without
// letting go blocks nobody for longer than the TTL; holders renew it while they work.
import { Inject, Injectable } from '@nestjs/common';
import { PluginLogger } from '../logging/plugin.logger';
import { InjectDataSource } from '@nestjs/typeorm';
import * as crypto from 'node:crypto';
import * as os from 'node:os';
import { DataSource } from 'typeorm';
import { CLOCK, Clock } from '../../clock/clock';

export interface LeaseHandle {
  name: string;
  owner: string;
  ttlMs: number;
}

export interface LeaseHolder {
  owner: string;
  acquiredAt: Date;
  expiresAt: Date;
}

/** TypeORM's text form of a datetime in SQLite (UTC, milliseconds); raw SQL must write the same so string comparison orders by time. */
export function sqliteUtc(date: Date): string {
  return date.toISOString().replace('T', ' ').replace('Z', '');
}

function fromSqliteUtc(text: string): Date {
  return new Date(`${text.replace(' ', 'T')}Z`);
}

/** True when the owner ("host:pid:random") names this host and a pid that no process has any more. */
export function isDeadLocalOwner(owner: string): boolean {
  const [host, pidText] = owner.split(':');
  const pid = Number(pidText);
  if (host !== os.hostname() || !Number.isInteger(pid) || pid <= 0 || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else; only ESRCH means it is gone.
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

@Injectable()
export class LeaseService {
  private readonly logger = new PluginLogger('Lease');

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** Takes the lease when nobody holds it or the holder's expiry has passed; null when someone else holds it. */
  async tryAcquire(name: string, ttlMs: number): Promise<LeaseHandle | null> {
    const owner = `${os.hostname()}:${process.pid}:${crypto.randomBytes(4).toString('hex')}`;
    const now = this.clock.now();
    // One statement, so two processes racing for an expired or missing lease cannot both win.
    const affected = await this.execute(
      `INSERT INTO "leases" ("name", "owner", "acquired_at", "expires_at") VALUES (?, ?, ?, ?)
       ON CONFLICT ("name") DO UPDATE SET "owner" = excluded."owner", "acquired_at" = excluded."acquired_at", "expires_at" = excluded."expires_at"
       WHERE "leases"."expires_at" <= ?`,
      [name, owner, sqliteUtc(now), sqliteUtc(new Date(now.getTime() + ttlMs)), sqliteUtc(now)],
    );
    if (affected === 1) return { name, owner, ttlMs };
    // A holder on this machine whose process is gone (killed, crashed) will never renew or release: waiting
    // out its expiry would only delay the restarted panel's resume. Its row is removed only if unchanged.
    const holder = await this.holder(name);
    if (holder && isDeadLocalOwner(holder.owner)) {
      this.logger.warn(
        `lease ${name} was held by ${holder.owner}, a process on this machine that no longer runs; taking it over`,
      );
      await this.db.query(`DELETE FROM "leases" WHERE "name" = ? AND "owner" = ?`, [name, holder.owner]);
      return this.tryAcquire(name, ttlMs);
    }
    return null;
  }

  /** Pushes the expiry out by the TTL; false when the lease is no longer ours (it expired and someone took it). */
  async renew(lease: LeaseHandle): Promise<boolean> {
    const expires = new Date(this.clock.now().getTime() + lease.ttlMs);
    const held =
      (await this.execute(`UPDATE "leases" SET "expires_at" = ? WHERE "name" = ? AND "owner" = ?`, [
        sqliteUtc(expires),
        lease.name,
        lease.owner,
      ])) === 1;
    if (!held) this.logger.warn(`lease ${lease.name} was lost: it expired and another process took it`);
    return held;
  }

  async release(lease: LeaseHandle): Promise<void> {
    await this.db.query(`DELETE FROM "leases" WHERE "name" = ? AND "owner" = ?`, [lease.name, lease.owner]);
  }

  /** Who holds the lease now (an expired entry counts as nobody). */
  async holder(name: string): Promise<LeaseHolder | null> {
    const rows: { owner: string; acquired_at: string; expires_at: string }[] = await this.db.query(
      `SELECT "owner", "acquired_at", "expires_at" FROM "leases" WHERE "name" = ? AND "expires_at" > ?`,
      [name, sqliteUtc(this.clock.now())],
    );
    const row = rows[0];
    return row
      ? {
          owner: row.owner,
          acquiredAt: fromSqliteUtc(row.acquired_at),
          expiresAt: fromSqliteUtc(row.expires_at),
        }
      : null;
  }

  /** Runs a writing statement and returns how many rows it changed. */
  private async execute(sql: string, params: unknown[]): Promise<number> {
    const runner = this.db.createQueryRunner();
    try {
      return (await runner.query(sql, params, true)).affected ?? 0;
    } finally {
      await runner.release();
    }
  }

  /**
   * The one way work holds a lease: taken (null when someone else holds it), kept alive while the work runs,
   * and let go by release(), which stops the renewals first; a release that fails is logged, never thrown.
   */
  async tryHold(name: string, ttlMs: number): Promise<HeldLease | null> {
    const lease = await this.tryAcquire(name, ttlMs);
    if (!lease) return null;
    const keeper = this.keepAlive(lease);
    return {
      ...keeper,
      release: async () => {
        await keeper.stop();
        await this.release(lease).catch((err: unknown) =>
          this.logger.warn(`could not release lease ${name}: ${(err as Error).message}`),
        );
      },
    };
  }

  /**
   * Keeps the lease while work runs: renews it every quarter TTL of real time (a safety net for long quiet
   * steps such as a slow hook) and whenever the holder calls touch() at its own progress points. stop()
   * waits for renewals under way, so none lands after the lease was released.
   */
  keepAlive(lease: LeaseHandle): LeaseKeeper {
    const inFlight = new Set<Promise<unknown>>();
    const touch = () => {
      const renewal = this.renew(lease)
        .catch((err: unknown) =>
          this.logger.warn(`could not renew lease ${lease.name}: ${(err as Error).message}`),
        )
        .finally(() => inFlight.delete(renewal));
      inFlight.add(renewal);
    };
    const timer = setInterval(touch, Math.max(1_000, Math.floor(lease.ttlMs / 4)));
    timer.unref();
    return {
      lease,
      touch,
      stop: async () => {
        clearInterval(timer);
        await Promise.all([...inFlight]);
      },
    };
  }
}

export interface LeaseKeeper {
  lease: LeaseHandle;
  /** Renews now, in the background. */
  touch(): void;
  stop(): Promise<void>;
}

/** A lease taken with tryHold: kept alive until release(). */
export interface HeldLease extends LeaseKeeper {
  release(): Promise<void>;
}
