// Claims that must not race (a throttle counter, a one-time setup code) run as one synchronous
// better-sqlite3 transaction: nothing else in this process can interleave with it, and BEGIN IMMEDIATE
// makes a CLI process sharing the file wait. TypeORM's async transactions share one connection and could
// interleave with other requests' queries.
import type BetterSqlite3 from 'better-sqlite3';
import { DataSource } from 'typeorm';

export type SqliteDb = BetterSqlite3.Database;

export function rawSqlite(dataSource: DataSource): SqliteDb {
  return (dataSource.driver as unknown as { databaseConnection: SqliteDb }).databaseConnection;
}

export function atomically<T>(dataSource: DataSource, work: (db: SqliteDb) => T): T {
  const db = rawSqlite(dataSource);
  return db.transaction(() => work(db)).immediate();
}

/** How TypeORM writes a datetime column in SQLite (UTC, milliseconds). */
export function sqliteTime(date: Date): string {
  return date.toISOString().replace('T', ' ').replace('Z', '');
}

export function fromSqliteTime(text: string): Date {
  return new Date(`${text.replace(' ', 'T')}Z`);
}
