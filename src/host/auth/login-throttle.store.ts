// Owns the login_throttle table: failed guesses per key (named in throttle-keys.ts: "user:alice|ip:…",
// "ip:…", "setup|ip:…", "password-check:admin:1", "totp:admin:1"). Every attempt is claimed atomically before
// its secret is checked (see atomic-sqlite.ts), so N parallel guesses count N and none slips past a lock.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { atomically, fromSqliteTime, SqliteDb, sqliteTime } from './atomic-sqlite';
import { claimAttempt, giveBackAttempt, ThrottleState, waitBeforeAttempt } from './login-throttle.policy';

interface Row {
  key: string;
  failures: number;
  first_failure_at: string;
  locked_until: string | null;
}

export type ClaimResult =
  /** Refused without checking the secret: the longest wait among the keys. */
  | { allowed: false; waitMs: number }
  /** Claimed: check the secret now; waitMs is what a failure leaves behind. */
  | { allowed: true; waitMs: number };

export interface ActiveLock {
  key: string;
  failures: number;
  lockedUntil: Date;
}

const toState = (row: Row | undefined): ThrottleState | null =>
  row
    ? {
        failures: row.failures,
        firstFailureAt: fromSqliteTime(row.first_failure_at),
        lockedUntil: row.locked_until ? fromSqliteTime(row.locked_until) : null,
      }
    : null;

@Injectable()
export class LoginThrottleStore {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Claims one attempt on every key at once, or none when any key is waiting. */
  claim(keys: string[], now: Date): ClaimResult {
    return atomically(this.dataSource, (db) => {
      const states = keys.map((key) => toState(this.read(db, key)));
      const wait = Math.max(0, ...states.map((s) => waitBeforeAttempt(s, now)));
      if (wait > 0) return { allowed: false, waitMs: wait };
      const next = states.map((s) => claimAttempt(s, now));
      keys.forEach((key, i) => this.write(db, key, next[i]));
      return { allowed: true, waitMs: Math.max(0, ...next.map((s) => waitBeforeAttempt(s, now))) };
    });
  }

  /** After a right secret: the keys in `reset` start from zero, the others give back this one claim. */
  succeeded(opts: { reset: string[]; giveBack: string[] }): void {
    atomically(this.dataSource, (db) => {
      for (const key of opts.reset) db.prepare(`DELETE FROM "login_throttle" WHERE "key" = ?`).run(key);
      for (const key of opts.giveBack) {
        const state = toState(this.read(db, key));
        if (!state) continue;
        const next = giveBackAttempt(state);
        if (next) this.write(db, key, next);
        else db.prepare(`DELETE FROM "login_throttle" WHERE "key" = ?`).run(key);
      }
    });
  }

  /** Deletes the keys named and every key starting with one of the prefixes; returns how many rows went. */
  clear(opts: { keys?: string[]; prefixes?: string[] }): number {
    return atomically(this.dataSource, (db) => {
      let n = 0;
      for (const key of opts.keys ?? [])
        n += db.prepare(`DELETE FROM "login_throttle" WHERE "key" = ?`).run(key).changes;
      for (const prefix of opts.prefixes ?? [])
        n += db
          .prepare(`DELETE FROM "login_throttle" WHERE substr("key", 1, ?) = ?`)
          .run(prefix.length, prefix).changes;
      return n;
    });
  }

  /** Keys that refuse attempts right now. */
  activeLocks(now: Date): ActiveLock[] {
    const rows = atomically(this.dataSource, (db) =>
      db
        .prepare(`SELECT * FROM "login_throttle" WHERE "locked_until" > ? ORDER BY "key"`)
        .all(sqliteTime(now)),
    ) as Row[];
    return rows.map((r) => ({
      key: r.key,
      failures: r.failures,
      lockedUntil: fromSqliteTime(r.locked_until!),
    }));
  }

  private read(db: SqliteDb, key: string): Row | undefined {
    return db.prepare(`SELECT * FROM "login_throttle" WHERE "key" = ?`).get(key) as Row | undefined;
  }

  private write(db: SqliteDb, key: string, s: ThrottleState): void {
    db.prepare(
      `INSERT INTO "login_throttle" ("key", "failures", "first_failure_at", "locked_until") VALUES (?, ?, ?, ?)
       ON CONFLICT ("key") DO UPDATE SET "failures" = excluded."failures",
         "first_failure_at" = excluded."first_failure_at", "locked_until" = excluded."locked_until"`,
    ).run(key, s.failures, sqliteTime(s.firstFailureAt), s.lockedUntil ? sqliteTime(s.lockedUntil) : null);
  }
}
