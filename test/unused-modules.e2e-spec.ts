// The bin entry's memory tuning leaves out modules the panel never calls (src/unused-modules.ts). Run in a
// node of its own, as the bin entry runs: TypeORM still opens, migrates and queries the panel's SQLite
// database, the other databases' drivers are never read from disk, and asking for one fails clearly.
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '..');

function runTuned(script: string, env: Record<string, string> = {}): Record<string, unknown> {
  const out = execFileSync(process.execPath, ['-e', script], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    encoding: 'utf8',
  });
  return JSON.parse(out) as Record<string, unknown>;
}

const SCRIPT = `
require('./dist/src/memory-tuning');
require('reflect-metadata');
const { DataSource } = require('typeorm');
const { DriverFactory } = require('typeorm/driver/DriverFactory');
(async () => {
  const ds = new DataSource({ type: 'better-sqlite3', database: ':memory:' });
  await ds.initialize();
  const [row] = await ds.query('select 40 + 2 as answer');
  let postgres;
  try { new DriverFactory().create({ options: { type: 'postgres' } }); postgres = 'created'; }
  catch (err) { postgres = err.message; }
  let phone;
  try { phone = typeof require('libphonenumber-js/max').parsePhoneNumber('+49 30 1234567'); }
  catch (err) { phone = err.message; }
  const loaded = Object.keys(require.cache);
  process.stdout.write(JSON.stringify({
    answer: row.answer,
    postgres,
    phone,
    postgresFileLoaded: loaded.some((f) => f.endsWith('/PostgresDriver.js')),
    sqliteFileLoaded: loaded.some((f) => f.endsWith('/BetterSqlite3Driver.js')),
  }));
  await ds.destroy();
})();
`;

describe('modules the bin entry leaves out', () => {
  it('keeps SQLite working and fails clearly when a left-out module is asked for', () => {
    expect(runTuned(SCRIPT)).toEqual({
      answer: 42,
      postgres: expect.stringContaining(
        "snapshot-panel leaves TypeORM's drivers for other databases out (./postgres/PostgresDriver)",
      ) as unknown,
      phone: expect.stringContaining("snapshot-panel leaves libphonenumber-js's metadata out") as unknown,
      postgresFileLoaded: false,
      sqliteFileLoaded: true,
    });
  });

  it('loads every module as it is with SNAPSHOT_PANEL_V8_DEFAULTS=1', () => {
    const result = runTuned(SCRIPT, { SNAPSHOT_PANEL_V8_DEFAULTS: '1' });
    expect(result).toMatchObject({ answer: 42, postgresFileLoaded: true, phone: 'object' });
  });
});
