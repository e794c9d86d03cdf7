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

// An ES module (as NestJS 12's are) importing node:http by name, then a request through it.
const ESM_SCRIPT = `
import http, { createServer, request, STATUS_CODES } from 'node:http';
const server = createServer((_req, res) => res.end('pong'));
server.listen(0, '127.0.0.1', () => {
  const req = request({ port: server.address().port, host: '127.0.0.1' }, (res) => {
    let body = '';
    res.on('data', (c) => (body += c));
    res.on('end', () => {
      server.close();
      process.stdout.write(JSON.stringify({
        body,
        ok: STATUS_CODES[200],
        defaultIsTheBuiltin: http.createServer === createServer,
        fetchLoaded: process.moduleLoadList.some((m) => m.includes('undici')),
      }));
    });
  });
  req.end();
});
`;

function runEsm(env: Record<string, string> = {}): Record<string, unknown> {
  const out = execFileSync(
    process.execPath,
    ['--require', './dist/src/memory-tuning', '--input-type=module', '-e', ESM_SCRIPT],
    { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env }, encoding: 'utf8' },
  );
  return JSON.parse(out) as Record<string, unknown>;
}

describe('modules the bin entry leaves out', () => {
  it("gives ES modules a node:http without the exports that load Node's fetch, and it works", () => {
    expect(runEsm()).toEqual({ body: 'pong', ok: 'OK', defaultIsTheBuiltin: true, fetchLoaded: false });
    // Without the tuning, the same import loads it: the test would notice if Node stopped doing so.
    expect(runEsm({ SNAPSHOT_PANEL_V8_DEFAULTS: '1' })).toMatchObject({ body: 'pong', fetchLoaded: true });
  });

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
