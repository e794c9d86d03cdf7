// Power loss in the middle of a cycle (issue 6): the built panel runs as real child processes (`serve`, and
// `run` for each cycle) against the fake Hetzner API in this process, and is killed with SIGKILL at random
// points of a cycle (before create_image, as create_image arrives, while waiting on the action, while
// confirming, listing or deleting), FAULT_KILLS times (7 in `npm test`, 20 in `npm run test:faults`). After each crash the machine "comes
// back 11 minutes later": the panel's clock (a --require preload) and the fake's clock move past the dead
// process's 10-minute lease, and `serve` starts again and resumes what was cut off; sometimes it is killed
// again during that resume. Checked: no duplicate snapshot, no run left "running" once things settle,
// every snapshot the panel made accounted for in cycle_runs, and no delete the retention rules forbid.
import Database from 'better-sqlite3';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FakeHcloud, FakeImageRecord } from '../../src/fake-hcloud';
import { CYCLE_LEASE_TTL_MS } from '../../src/hetzner-snapshots/lease/cycle-lease';
import { formatTable, publishReport, ReportRow } from './support/campaign-report';
import { watchRequests } from './support/fault-injector';
import {
  assertBuilt,
  listeningUrl,
  PanelProcess,
  ServingPanel,
  startPanelProcess,
  startServe,
  startServing,
  stop,
} from './support/panel-process';
import { deletableByRules, isAutomaticOf } from './support/retention-oracle';
import { campaignSeed, seededRandom } from './support/seeded-random';

// `npm test` runs the short form (one kill per point); `npm run test:faults` the long one (20 kills).
const KILLS = wholeNumber(process.env.FAULT_KILLS, 7);
const SEED = campaignSeed();
const ACTION_MS = 1_500; // real time: the panel's clock here is the system clock
const TOKEN = 'kill-test-token-3b9d1f7c2e';
const AUTO = { 'managed-by': 'snapshot-panel', 'snapshot-panel/kind': 'auto' };
const DAY_MS = 86_400_000;
/** How far the clocks jump at each restart: past the dead holder's lease, as after a reboot. */
const REBOOT_GAP_MS = CYCLE_LEASE_TTL_MS + 60_000;
const SETTLE_LIMIT_MS = 45_000;
const TEST_TIMEOUT_MS = 15 * 60_000;

type KillPoint =
  'before-create' | 'at-create' | 'waiting' | 'confirming' | 'listing' | 'pruning' | 'any-time';
const RUN_POINTS: KillPoint[] = [
  'before-create',
  'at-create',
  'waiting',
  'confirming',
  'listing',
  'pruning',
  'any-time',
];
const RESUME_POINTS: KillPoint[] = ['waiting', 'confirming', 'listing', 'pruning', 'any-time'];

interface RunRow {
  id: number;
  trigger: string;
  status: string;
  phase: string;
  image_id: number | null;
  action_id: number | null;
  error_code: string | null;
  deleted: string;
}

describe('SIGKILL at random points of a cycle', () => {
  let fake: FakeHcloud;
  let dataDir: string;
  let server: ServingPanel | null = null;
  let cycle: PanelProcess | null = null;

  afterAll(async () => {
    await stop(cycle);
    await stop(server);
    await fake?.close();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it(
    'never duplicates, loses or wrongly deletes a snapshot, and leaves no run "running"',
    async () => {
      assertBuilt();
      process.stdout.write(
        `kill test: ${KILLS} kills, seed ${SEED} (replay with FAULT_SEED=${SEED} FAULT_KILLS=${KILLS})\n`,
      );
      const random = seededRandom(SEED);
      fake = await FakeHcloud.start({ actionDurationMs: ACTION_MS });
      fake.addToken(TOKEN);
      const web = fake.addServer({ name: 'web-1' });
      const db1 = fake.addServer({ name: 'db-1' });
      dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'snapshot-panel-kill-'));
      const env = {
        DATA_DIR: dataDir,
        TZ: 'Europe/Berlin',
        LOG_LEVEL: 'info',
        HCLOUD_ENDPOINT: fake.apiEndpoint,
        HCLOUD_METADATA_ENDPOINT: fake.metadataEndpoint,
        HCLOUD_TOKEN: TOKEN,
        HCLOUD_SERVER_ID: String(web.id),
      };
      const dbPath = path.join(dataDir, 'snapshot-panel.sqlite');

      // Snapshots no rule lets the panel delete, and old automatic ones it may.
      const seeded = new Set<number>();
      const ago = (days: number) => new Date(fake.now().getTime() - days * DAY_MS);
      const never: FakeImageRecord[] = [
        fake.addImage({
          serverId: web.id,
          labels: { 'managed-by': 'snapshot-panel', 'snapshot-panel/kind': 'manual' },
          created: ago(90),
        }),
        fake.addImage({ serverId: web.id, labels: {}, description: 'made in the console', created: ago(90) }),
        fake.addImage({ serverId: web.id, labels: AUTO, protected: true, created: ago(90) }),
        ...Array.from({ length: 4 }, (_, i) =>
          fake.addImage({ serverId: db1.id, labels: AUTO, created: ago(60 + i) }),
        ),
      ];
      never.forEach((image) => seeded.add(image.id));
      const addOld = (count: number) => {
        for (let i = 0; i < count; i++)
          seeded.add(fake.addImage({ serverId: web.id, labels: AUTO, created: ago(random.int(10, 60)) }).id);
      };
      addOld(10);

      let clockShiftMs = 0;
      const reboot = () => {
        clockShiftMs += REBOOT_GAP_MS;
        fake.advance(REBOOT_GAP_MS);
      };

      // Every request, as it reaches the fake: the kill switch, and the judge of every DELETE.
      let killSwitch: ((method: string, path: string) => void) | null = null;
      const deleteVerdicts: { id: number; allowed: boolean }[] = [];
      for (const method of ['GET', 'POST', 'DELETE']) {
        watchRequests(fake, method, (requestPath) => {
          if (method === 'DELETE' && /^\/v1\/images\/\d+$/.test(requestPath)) {
            const id = Number(requestPath.split('/').pop());
            const policy = readPolicy(dbPath);
            const allowed = deletableByRules({
              images: fake.images(),
              serverId: web.id,
              policy,
              now: fake.now(),
              timeZone: 'Europe/Berlin',
            }).has(id);
            deleteVerdicts.push({ id, allowed });
          }
          killSwitch?.(method, requestPath);
        });
      }

      const kills: { point: KillPoint; victim: 'run' | 'resume' }[] = [];
      const breaches: string[] = [];
      const orphans = new Map<number, number>(); // image id → the interrupted run that made it
      let cleanCycles = 0;

      /** Arms a SIGKILL of `victims` at `point`; returns how to disarm it and whether it fired. */
      const armKill = (point: KillPoint, victims: () => PanelProcess[]) => {
        let fired = false;
        const nth = point === 'waiting' || point === 'pruning' ? random.int(1, 2) : 1;
        let seen = 0;
        const fire = () => {
          if (fired) return;
          fired = true;
          for (const victim of victims()) victim.killNow();
        };
        const matchers: Record<Exclude<KillPoint, 'any-time'>, (method: string, p: string) => boolean> = {
          'before-create': (m, p) => m === 'GET' && p === `/v1/servers/${web.id}`,
          'at-create': (m, p) => m === 'POST' && p === `/v1/servers/${web.id}/actions/create_image`,
          waiting: (m, p) => m === 'GET' && /^\/v1\/actions\/\d+$/.test(p),
          confirming: (m, p) => m === 'GET' && /^\/v1\/images\/\d+$/.test(p),
          listing: (m, p) => m === 'GET' && p === '/v1/images',
          pruning: (m, p) => m === 'DELETE' && /^\/v1\/images\/\d+$/.test(p),
        };
        let timer: NodeJS.Timeout | null = null;
        if (point === 'any-time') timer = setTimeout(fire, random.int(200, 4_000));
        else
          killSwitch = (method, requestPath) => {
            if (matchers[point](method, requestPath) && ++seen === nth) fire();
          };
        return {
          disarm: () => {
            killSwitch = null;
            if (timer) clearTimeout(timer);
          },
          fired: () => fired,
        };
      };

      /** Waits until no run is "running" and nobody holds the cycle lease; false if that never happens. */
      const settled = async (): Promise<boolean> => {
        const deadline = Date.now() + SETTLE_LIMIT_MS;
        while (Date.now() < deadline) {
          const idle = readRuns(dbPath).every((run) => run.status !== 'running');
          if (idle && !leaseHeld(dbPath, new Date(Date.now() + clockShiftMs))) return true;
          await sleep(100);
        }
        return false;
      };

      const serves = async (where: string) => {
        const health = await fetch(`${server!.url}/healthz`).catch((err: Error) => err);
        const login = await fetch(`${server!.url}/login`).catch((err: Error) => err);
        for (const [name, res] of [
          ['/healthz', health],
          ['/login', login],
        ] as const) {
          if (res instanceof Error || res.status !== 200)
            breaches.push(
              `${where}: GET ${name} ${res instanceof Error ? res.message : `answered ${res.status}`}`,
            );
        }
      };

      server = await startServing(env, clockShiftMs);
      await serves('first start');

      for (let round = 1; kills.length < KILLS && round <= KILLS * 4; round++) {
        addOld(2);
        const rowsBefore = readRuns(dbPath);
        const lastRunId = rowsBefore.at(-1)?.id ?? 0;
        const firstRequest = fake.requests.length;
        const imagesBefore = new Set(fake.images().map((image) => image.id));

        // One cycle by `snapshot-panel run`; the machine may lose power at the chosen point.
        // The first rounds visit every kill point once, so even the short form covers them all.
        const point = round <= RUN_POINTS.length ? RUN_POINTS[round - 1] : random.pick(RUN_POINTS);
        const kill = armKill(point, () => [cycle!, server!].filter(Boolean));
        cycle = startPanelProcess(['run'], env, clockShiftMs);
        const exit = await within(60_000, cycle.exited);
        kill.disarm();
        if (exit === null)
          throw new Error(`round ${round}: \`run\` did not end within 60 s:\n${cycle.output.join('\n')}`);

        const killedAt = kill.fired() ? point : null;
        if (kill.fired()) {
          kills.push({ point, victim: 'run' });
          await stop(server);
          reboot();
          // The restarted server resumes the cut-off run as it starts; sometimes power fails again right then
          // (when the run has a snapshot to follow, the resume has Hetzner requests to be cut off in).
          const cutOff = readRuns(dbPath).find((run) => run.id > lastRunId);
          const next = startServe(env, clockShiftMs);
          if (kills.length < KILLS && cutOff?.image_id != null && random.chance(0.6)) {
            const again = random.pick(RESUME_POINTS);
            const resumeKill = armKill(again, () => [next]);
            const url = await listeningUrl(next).catch(() => null);
            const done = await Promise.race([
              next.exited.then(() => 'exited' as const),
              settled().then((ok) => (ok ? ('settled' as const) : ('stuck' as const))),
            ]);
            resumeKill.disarm();
            if (resumeKill.fired()) {
              kills.push({ point: again, victim: 'resume' });
              await stop(next);
              reboot();
              server = await startServing(env, clockShiftMs);
            } else if (url === null || done !== 'settled') {
              throw new Error(
                `round ${round}: the restarted server ${done === 'stuck' ? 'did not finish the cut-off run' : 'stopped'}:\n${next.output.join('\n')}`,
              );
            } else {
              server = { ...next, url };
            }
          } else {
            server = { ...next, url: await listeningUrl(next) };
          }
          await serves(`round ${round}, after restart`);
        } else {
          cleanCycles++;
          if (exit.code !== 0)
            breaches.push(`round ${round}: \`run\` failed without a kill:\n${cycle.output.join('\n')}`);
        }

        if (!(await settled())) {
          breaches.push(
            `round ${round}: a run is still "running" ${SETTLE_LIMIT_MS / 1000} s after the restart`,
          );
          break;
        }

        // This round's accounting: one cycle at most, one snapshot at most, and where it went.
        const newRuns = readRuns(dbPath).filter((run) => run.id > lastRunId);
        const creates = fake.requests
          .slice(firstRequest)
          .filter(
            (r) =>
              r.method === 'POST' &&
              r.path === `/v1/servers/${web.id}/actions/create_image` &&
              r.status === 201,
          );
        const made = fake
          .images()
          .filter((image) => !imagesBefore.has(image.id) && isAutomaticOf(image, web.id));
        if (newRuns.length > 1)
          breaches.push(`round ${round}: ${newRuns.length} runs recorded for one cycle`);
        if (creates.length > 1 || made.length > 1)
          breaches.push(
            `round ${round}: ${creates.length} create_image requests, ${made.length} new snapshots for one cycle`,
          );
        const run = newRuns[0];
        if (made.length === 1) {
          if (!run)
            breaches.push(`round ${round}: snapshot ${made[0].id} was made, but no run records the cycle`);
          else if (run.image_id === null) {
            // Only a cut between Hetzner taking the request and the panel writing down its answer may leave it
            // unrecorded; a cut later on (waiting, pruning) finds the answer written, or a restart would redo it.
            const cutInTheGap = killedAt === 'at-create' || killedAt === 'any-time';
            if (run.status !== 'interrupted' || !cutInTheGap)
              breaches.push(
                `round ${round}: run ${run.id} (${run.status}, cut off at ${killedAt ?? 'no point'}) made snapshot ${made[0].id} without recording it`,
              );
            else orphans.set(made[0].id, run.id);
          } else if (run.image_id !== made[0].id) {
            breaches.push(
              `round ${round}: run ${run.id} records image ${run.image_id}, but ${made[0].id} was made`,
            );
          }
        }
        if (run && run.image_id !== null && run.status !== 'succeeded')
          breaches.push(
            `round ${round}: run ${run.id} has its snapshot ${run.image_id} but ended ${run.status} (${run.error_code})`,
          );
      }

      await settled();
      await serves('the end');
      const runs = readRuns(dbPath);
      const images = fake.images();
      const imageIds = new Set(images.map((image) => image.id));

      // Nothing lost: every snapshot the panel made is a run's, or an interrupted run's unrecorded one.
      const recorded = new Set(runs.map((run) => run.image_id).filter((id): id is number => id !== null));
      const unaccounted = images.filter(
        (image) =>
          isAutomaticOf(image, web.id) &&
          !seeded.has(image.id) &&
          !recorded.has(image.id) &&
          !orphans.has(image.id),
      );
      for (const image of unaccounted)
        breaches.push(`snapshot ${image.id} (${image.description}) is in no run`);
      if (recorded.size !== runs.filter((run) => run.image_id !== null).length)
        breaches.push('two runs record the same snapshot');
      if (runs.some((run) => run.status === 'running')) breaches.push('a run is left "running" at the end');

      // No unexpected deletes: each DELETE allowed by the rules when it arrived, and nothing else vanished.
      const wrongDeletes = deleteVerdicts.filter((verdict) => !verdict.allowed);
      for (const verdict of wrongDeletes)
        breaches.push(`DELETE of image ${verdict.id}, which the rules keep`);
      const approved = new Set(deleteVerdicts.filter((v) => v.allowed).map((v) => v.id));
      for (const id of [...seeded, ...recorded, ...orphans.keys()]) {
        if (!imageIds.has(id) && !approved.has(id))
          breaches.push(`image ${id} vanished without an allowed DELETE`);
      }
      for (const image of never)
        if (!imageIds.has(image.id)) breaches.push(`image ${image.id} (never deletable) is gone`);
      const inHistory = new Set(
        runs.flatMap((run) => (JSON.parse(run.deleted || '[]') as { id: number }[]).map((d) => d.id)),
      );
      const deletedNotInHistory = [...approved].filter((id) => !imageIds.has(id) && !inHistory.has(id));

      const byPoint = (victim: 'run' | 'resume') =>
        RUN_POINTS.map((p): ReportRow => [
          `kills of ${victim === 'run' ? '`run`' : '`serve` resuming'} at ${p}`,
          kills.filter((k) => k.victim === victim && k.point === p).length,
        ]).filter(([, count]) => Number(count) > 0);
      const statuses = (status: string) => runs.filter((run) => run.status === status).length;
      const rows: ReportRow[] = [
        ['seed', SEED],
        ['kills (SIGKILL)', kills.length],
        ...byPoint('run'),
        ...byPoint('resume'),
        ['cycles not killed', cleanCycles],
        ['runs recorded', runs.length],
        ['  ... succeeded', statuses('succeeded')],
        ['  ... interrupted (cut off before create_image was answered)', statuses('interrupted')],
        ['  ... failed', statuses('failed')],
        ['  ... running', statuses('running')],
        [
          'create_image requests taken by the API',
          fake.requests.filter(
            (r) => r.method === 'POST' && r.path.endsWith('/create_image') && r.status === 201,
          ).length,
        ],
        ['snapshots made but unrecorded (their run says interrupted)', orphans.size],
        ['snapshots deleted (all allowed by the rules)', approved.size - wrongDeletes.length],
        ['  ... of which missing from the history (killed mid-prune)', deletedNotInHistory.length],
        ['wrong deletes (must be 0)', wrongDeletes.length],
        ['invariant breaches', breaches.length],
      ];
      const details =
        breaches.length > 0 ? `\nInvariant breaches:\n${breaches.map((b) => `  ${b}`).join('\n')}` : '';
      publishReport(`kill-restart-${SEED}.txt`, formatTable(`SIGKILL test (seed ${SEED})`, rows) + details);

      expect(breaches).toEqual([]);
      expect(wrongDeletes).toEqual([]);
      expect(kills.length).toBe(KILLS);
    },
    TEST_TIMEOUT_MS,
  );
});

function wholeNumber(raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1)
    throw new Error(`FAULT_KILLS must be a whole number >= 1, not ${raw}`);
  return value;
}

/** The promise's value, or null when it takes longer than `ms` (the timer does not outlive it). */
async function within<T>(ms: number, promise: Promise<T>): Promise<T | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), ms)));
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The panel's database, read-only, as it is on disk right now (no connection kept open between looks). */
function withDatabase<T>(dbPath: string, read: (db: Database.Database) => T): T {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    return read(db);
  } finally {
    db.close();
  }
}

function readRuns(dbPath: string): RunRow[] {
  return withDatabase(
    dbPath,
    (db) =>
      db
        .prepare(
          `SELECT "id", "trigger", "status", "phase", "image_id", "action_id", "error_code", "deleted" FROM "cycle_runs" ORDER BY "id"`,
        )
        .all() as RunRow[],
  );
}

/** Whether a live process holds the cycle lease at `now` (the panel's clock); a dead holder's lapses. */
function leaseHeld(dbPath: string, now: Date): boolean {
  const nowText = now.toISOString().replace('T', ' ').replace('Z', '');
  const row = withDatabase(dbPath, (db) =>
    db
      .prepare(
        `SELECT COUNT(*) AS "held" FROM "leases" WHERE "name" = 'hetzner-snapshots.cycle' AND "expires_at" > ?`,
      )
      .get(nowText),
  ) as { held: number };
  return row.held > 0;
}

function readPolicy(dbPath: string) {
  const row = withDatabase(dbPath, (db) =>
    db
      .prepare(`SELECT "retention_days", "keep_min", "retention_tiers" FROM "panel_settings" WHERE "id" = 1`)
      .get(),
  ) as { retention_days: number; keep_min: number; retention_tiers: string | null };
  return {
    retentionDays: row.retention_days,
    keepMin: row.keep_min,
    tiers: row.retention_tiers
      ? (JSON.parse(row.retention_tiers) as {
          hourly: number;
          daily: number;
          weekly: number;
          monthly: number;
        })
      : null,
  };
}
