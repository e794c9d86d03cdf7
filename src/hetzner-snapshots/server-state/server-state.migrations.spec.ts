// The two migrations of the request-economy change go up and down cleanly on a real SQLite file.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from '../../database/data-source';

describe('server_state, cycle_runs.snapshot_ms, api_usage and api_budget migrations', () => {
  let dir: string;
  let db: DataSource;

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'snapshot-panel-migrations-'));
    db = new DataSource(buildDataSourceOptions(path.join(dir, 'panel.sqlite')));
    await db.initialize();
    await db.runMigrations({ transaction: 'each' });
  });
  afterEach(async () => {
    await db.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const tables = async () =>
    ((await db.query(`SELECT name FROM sqlite_master WHERE type = 'table'`)) as { name: string }[]).map(
      (row) => row.name,
    );
  const runColumns = async () =>
    ((await db.query(`PRAGMA table_info("cycle_runs")`)) as { name: string }[]).map((row) => row.name);

  it('adds the tables and the column, and down() removes exactly them', async () => {
    expect(await tables()).toEqual(expect.arrayContaining(['server_state', 'api_usage', 'api_budget']));
    expect(await runColumns()).toContain('snapshot_ms');

    // Undo down to (and including) the server-state migration, whatever came after it.
    while ((await tables()).includes('server_state')) await db.undoLastMigration({ transaction: 'each' });
    expect(await tables()).not.toContain('server_state');
    expect(await tables()).not.toContain('api_usage');
    expect(await runColumns()).not.toContain('snapshot_ms');
    expect(await tables()).toContain('cycle_runs');

    await db.runMigrations({ transaction: 'each' });
    expect(await tables()).toEqual(expect.arrayContaining(['server_state', 'api_usage', 'api_budget']));
  });
});
