// Owns the database: the one set of TypeORM options used by the app, the CLI and the TypeORM migration
// CLI, and the start-up step that backs up the SQLite file and runs pending migrations.
// Migrations are the schema's only author: synchronize stays off everywhere.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DataSource, DataSourceOptions } from 'typeorm';
import { hetznerSnapshotsEntities } from '../hetzner-snapshots/hetzner-snapshots.entities';
import { hostEntities } from '../host/host.entities';
import { hostMigrations } from '../../migrations/host';
import { hetznerSnapshotsMigrations } from '../../migrations/hetzner-snapshots';

export function buildDataSourceOptions(databasePath: string): DataSourceOptions {
  return {
    type: 'better-sqlite3',
    database: databasePath,
    entities: [...hostEntities, ...hetznerSnapshotsEntities],
    migrations: [...hostMigrations, ...hetznerSnapshotsMigrations],
    migrationsTransactionMode: 'each',
    synchronize: false,
    // WAL and a busy timeout let the server and a CLI command share the file without "database is locked".
    enableWAL: true,
    timeout: 10_000,
    logging: false,
  };
}

export class MigrationFailedError extends Error {}

/**
 * Opens the database, keeping a copy of the file before any pending migration runs, so a failed upgrade
 * can be rolled back by putting the copy back.
 */
export async function openDatabase(opts: {
  dataDir: string;
  databasePath: string;
  log?: (line: string) => void;
}): Promise<DataSource> {
  const log = opts.log ?? (() => undefined);
  fs.mkdirSync(opts.dataDir, { recursive: true, mode: 0o700 });
  const existed = fs.existsSync(opts.databasePath) && fs.statSync(opts.databasePath).size > 0;
  const dataSource = new DataSource(buildDataSourceOptions(opts.databasePath));
  await dataSource.initialize();
  try {
    fs.chmodSync(opts.databasePath, 0o600);
  } catch {
    // Not fatal: the file may be owned by another user in unusual setups; doctor reports permissions.
  }
  if (!(await dataSource.showMigrations())) return dataSource;

  let backupPath: string | null = null;
  if (existed) {
    backupPath = `${opts.databasePath}.before-migration-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    // VACUUM INTO writes a consistent copy even with WAL pages not yet checkpointed.
    await dataSource.query(`VACUUM INTO ?`, [backupPath]);
    log(`database: copy kept at ${backupPath} before running migrations`);
  }
  try {
    const ran = await dataSource.runMigrations({ transaction: 'each' });
    if (ran.length > 0) log(`database: ran ${ran.length} migration(s): ${ran.map((m) => m.name).join(', ')}`);
  } catch (err) {
    await dataSource.destroy().catch(() => undefined);
    const how = backupPath
      ? `The database is unchanged up to the failed migration; to roll back completely, stop the panel, ` +
        `install the previous version and copy ${backupPath} over ${opts.databasePath}.`
      : 'This was a new database; delete it and start again after fixing the cause.';
    throw new MigrationFailedError(`Database migration failed: ${(err as Error).message}. ${how}`);
  }
  return dataSource;
}

export function databaseFileOf(dataDir: string): string {
  return path.join(dataDir, 'snapshot-panel.sqlite');
}
