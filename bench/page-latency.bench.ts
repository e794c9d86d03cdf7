// How long the snapshots page takes, signed in, over real HTTP on 127.0.0.1, from the real server process
// (`node dist/cli.js serve`) with 10, 1,000 and 5,000 snapshots at the fake Hetzner API in this process.
// Warm: the cached list is fresh (no Hetzner request). Cold: the list was marked stale, as every cycle and
// every change does, so the view first lists this server's snapshots from Hetzner (50 a page) before it renders.
// Two kinds of project: every snapshot is this server's own ('own'), or the project holds 5,000 snapshots of
// which few are this server's ('fleet': other servers' panels, each snapshot with its server label), where the
// listing by label (after the one-time backfill, done here by `snapshot-panel run`) needs a page or two.
import Database from 'better-sqlite3';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  AUTO_LABELS,
  BenchWorld,
  createAdminWithCli,
  DAY_MS,
  HOUR_MS,
  makeDataDir,
  percentile,
  startChild,
  startWorld,
  WebSession,
} from './bench-panel';
import { panelSnapshotLabels } from '../src/hetzner-snapshots/labels/snapshot-labels';

export type PageScenario = 'own' | 'fleet';

export interface PageLatency {
  scenario: PageScenario;
  /** Snapshots in the project. */
  snapshots: number;
  /** Of those, this server's. */
  ownSnapshots: number;
  /** Rows on the first page (the page shows 100 at a time). */
  rowsShown: number;
  warm: { samples: number; p50Ms: number; p95Ms: number; hetznerRequests: number };
  cold: { samples: number; p50Ms: number; p95Ms: number; hetznerRequestsPerView: number };
}

const WARM_SAMPLES = 40;
const COLD_SAMPLES = 12;
/** The page keeps its list 30 s; warm samples must stay inside that window. */
const FRESH_WINDOW_MS = 25_000;

export async function measurePageLatency(
  snapshotCount: number,
  scenario: PageScenario = 'own',
): Promise<PageLatency> {
  // A budget large enough that the cold views never meet the API's rate limit: speed is measured here. The
  // snapshot `run` takes in the fleet scenario lasts a second of real time.
  const world = await startWorld({
    actionDurationMs: scenario === 'fleet' ? 1_000 : 60_000,
    rateLimit: 1_000_000,
  });
  const dataDir = makeDataDir();
  const env = { ...world.env, DATA_DIR: dataDir, LOG_LEVEL: 'info' };
  let ownSnapshots =
    scenario === 'own' ? addSnapshots(world, snapshotCount) : addFleetSnapshots(world, snapshotCount);
  await createAdminWithCli(env);
  if (scenario === 'fleet') {
    await runCycleWithCli(env);
    ownSnapshots += 1; // the snapshot `run` took
  }
  const server = startChild(['serve'], { ...env, PORT: '0', HOST: '127.0.0.1' });
  try {
    const session = new WebSession(await server.listening);
    await session.signIn();
    const dbPath = path.join(dataDir, 'snapshot-panel.sqlite');

    // First view lists everything; later cold views do it again after the list is marked stale.
    await view(session);
    const cold: number[] = [];
    const coldRequests: number[] = [];
    for (let i = 0; i < COLD_SAMPLES; i++) {
      markListStale(dbPath, world.serverId);
      const before = world.fake.requests.length;
      cold.push((await view(session, { expectFresh: true })).ms);
      coldRequests.push(world.fake.requests.length - before);
    }

    const warm: number[] = [];
    let rowsShown = 0;
    let warmRequests = 0;
    let windowStart = performance.now();
    for (let i = 0; i < WARM_SAMPLES; i++) {
      if (performance.now() - windowStart > FRESH_WINDOW_MS) {
        // Refresh outside the measurement, so every warm sample finds a fresh list.
        markListStale(dbPath, world.serverId);
        await view(session);
        windowStart = performance.now();
      }
      const before = world.fake.requests.length;
      const sample = await view(session);
      warmRequests += world.fake.requests.length - before;
      warm.push(sample.ms);
      rowsShown = sample.rows;
    }
    return {
      scenario,
      snapshots: snapshotCount,
      ownSnapshots,
      rowsShown,
      warm: {
        samples: warm.length,
        p50Ms: round(percentile(warm, 50)),
        p95Ms: round(percentile(warm, 95)),
        hetznerRequests: warmRequests,
      },
      cold: {
        samples: cold.length,
        p50Ms: round(percentile(cold, 50)),
        p95Ms: round(percentile(cold, 95)),
        hetznerRequestsPerView: Math.round(coldRequests.reduce((a, b) => a + b, 0) / coldRequests.length),
      },
    };
  } finally {
    await server.stop();
    await world.fake.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

/** One view of /snapshots, timed from request to the last byte. */
async function view(
  session: WebSession,
  opts: { expectFresh?: boolean } = {},
): Promise<{ ms: number; rows: number }> {
  const started = performance.now();
  const page = await session.get('/snapshots');
  const ms = performance.now() - started;
  if (page.status !== 200) throw new Error(`GET /snapshots answered ${page.status}`);
  if (!page.text.includes('data-listed-at'))
    throw new Error('GET /snapshots did not show the list (still loading?)');
  if (opts.expectFresh && page.text.includes('data-stale="true"'))
    throw new Error('a cold view showed the stale list');
  const rows = (page.text.match(/<tr\b/g) ?? []).length - 1;
  return { ms, rows };
}

/** What a cycle or a change does to the cached list: the next view must list again. */
function markListStale(dbPath: string, serverId: number): void {
  const db = new Database(dbPath);
  try {
    db.pragma('busy_timeout = 5000');
    db.prepare(`UPDATE "snapshot_list_cache" SET "fetched_at" = NULL WHERE "server_id" = ?`).run(serverId);
  } finally {
    db.close();
  }
}

/** This server's snapshots over 90 days: mostly automatic, some manual and some made elsewhere. */
function addSnapshots(world: BenchWorld, count: number): number {
  const now = world.fake.now().getTime();
  for (let i = 0; i < count; i++) {
    const labels =
      i % 10 < 7
        ? AUTO_LABELS
        : i % 10 < 9
          ? { 'managed-by': 'snapshot-panel', 'snapshot-panel/kind': 'manual' }
          : {};
    world.fake.addImage({
      serverId: world.serverId,
      labels,
      description: `web-1 snapshot ${i}`,
      created: new Date(now - Math.floor((i / count) * 90 * DAY_MS) - 60_000),
    });
  }
  return count;
}

/** Of this server's (the rest are other servers' panels' snapshots, with their server label). */
const FLEET_OWN_PANEL = 24;
const FLEET_OWN_ELSEWHERE = 4;
const FLEET_OTHERS_ELSEWHERE = 10;
const FLEET_OTHER_SERVERS = 30;

/**
 * A project of 5,000 snapshots where this server has few: its panel's own (labelled, within a day) and a few
 * made elsewhere; other servers' panels hold the rest, and a few of theirs were made elsewhere too.
 */
function addFleetSnapshots(world: BenchWorld, count: number): number {
  const { fake, serverId } = world;
  const now = fake.now().getTime();
  const others = Array.from({ length: FLEET_OTHER_SERVERS }, (_, k) =>
    fake.addServer({ name: `other-${k}` }),
  );
  for (let i = 0; i < FLEET_OWN_PANEL; i++)
    fake.addImage({
      serverId,
      labels: panelSnapshotLabels(i % 6 === 5 ? 'manual' : 'auto', serverId),
      description: `web-1 snapshot ${i}`,
      created: new Date(now - (i + 1) * HOUR_MS),
    });
  for (let i = 0; i < FLEET_OWN_ELSEWHERE; i++)
    fake.addImage({ serverId, labels: {}, created: new Date(now - (i + 1) * DAY_MS) });
  for (let i = 0; i < FLEET_OTHERS_ELSEWHERE; i++)
    fake.addImage({
      serverId: others[i % others.length].id,
      labels: {},
      created: new Date(now - i * DAY_MS),
    });
  const rest = count - FLEET_OWN_PANEL - FLEET_OWN_ELSEWHERE - FLEET_OTHERS_ELSEWHERE;
  for (let i = 0; i < rest; i++) {
    const other = others[i % others.length];
    fake.addImage({
      serverId: other.id,
      labels: panelSnapshotLabels('auto', other.id),
      created: new Date(now - Math.floor(i / others.length + 1) * HOUR_MS),
    });
  }
  return FLEET_OWN_PANEL + FLEET_OWN_ELSEWHERE;
}

/**
 * One cycle from the command line before `serve` starts, as an operator might: it also runs the one-time
 * label backfill (nothing left to label here), after which the page lists by label.
 */
async function runCycleWithCli(env: Record<string, string>): Promise<void> {
  const cli = startChild(['run'], env);
  const code = await cli.exited;
  if (code !== 0) throw new Error(`snapshot-panel run failed (${code}):\n${cli.output.join('')}`);
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
