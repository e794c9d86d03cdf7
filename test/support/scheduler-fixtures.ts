// Helpers for the scheduler's e2e tests: a panel wired to a fake Hetzner with a simulated clock (sleeping
// advances the fake's time instead of waiting), seeding snapshots, changing settings as the settings page
// would, and reading what the scheduler recorded.
import { EventEmitter2 } from '@nestjs/event-emitter';
import { getRepositoryToken } from '@nestjs/typeorm';
import { PassThrough, Readable } from 'node:stream';
import { Repository } from 'typeorm';
import { runCli } from '../../src/cli/cli';
import { Clock } from '../../src/clock/clock';
import { FakeHcloud, FakeImageInput, FakeImageRecord } from '../../src/fake-hcloud';
import { CycleRun } from '../../src/hetzner-snapshots/cycle/cycle-run.entity';
import { ScheduleRunnerService } from '../../src/hetzner-snapshots/cycle/schedule-runner.service';
import { PanelSettings } from '../../src/hetzner-snapshots/settings/panel-settings.entity';
import { SETTINGS_CHANGED_EVENT } from '../../src/hetzner-snapshots/settings/settings.events';
import { PanelHarness, startPanel, TEST_PASSWORD_HASH_COST } from './panel-harness';

export const TOKEN = 'sched-token-5f0c8d2e9a7b4c1d';
export const DAY_MS = 86_400_000;
export const AUTO_LABELS = { 'managed-by': 'snapshot-panel', 'snapshot-panel/kind': 'auto' };

export interface SimulatedClock extends Clock {
  /** Every sleep asked for, in ms. */
  sleeps: number[];
}

/** The fake's clock, where sleeping moves time forward at once: minutes of waiting take no real time. */
export function simulatedClock(fake: FakeHcloud): SimulatedClock {
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => fake.now(),
    async sleep(ms, signal) {
      if (signal?.aborted) throw signal.reason;
      sleeps.push(ms);
      fake.advance(ms);
      // Yield, so a loop of sleeps still lets other work (and the fake's HTTP answers) run.
      await new Promise((resolve) => setImmediate(resolve));
    },
  };
}

export interface HangingClock extends Clock {
  /** Resolves when the first sleep starts: the panel is then waiting (e.g. on its snapshot action). */
  firstSleep: Promise<number>;
}

/** A clock whose sleeps never end unless aborted: freezes a cycle mid-wait so a test can stop the panel there. */
export function hangingClock(fake: FakeHcloud): HangingClock {
  let started!: (ms: number) => void;
  const firstSleep = new Promise<number>((resolve) => (started = resolve));
  return {
    firstSleep,
    now: () => fake.now(),
    sleep: (ms, signal) =>
      new Promise<void>((_resolve, reject) => {
        started(ms);
        if (signal?.aborted) return reject(signal.reason);
        signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
      }),
  };
}

export interface SchedulerWorld {
  fake: FakeHcloud;
  serverId: number;
  env: Record<string, string>;
}

/** A fake Hetzner with the token and this panel's server "web-1". */
export async function startWorld(
  opts: { actionDurationMs?: number; env?: Record<string, string> } = {},
): Promise<SchedulerWorld> {
  const fake = await FakeHcloud.start({ actionDurationMs: opts.actionDurationMs ?? 5_000 });
  fake.addToken(TOKEN);
  const server = fake.addServer({ name: 'web-1' });
  const env = {
    HCLOUD_ENDPOINT: fake.apiEndpoint,
    HCLOUD_METADATA_ENDPOINT: fake.metadataEndpoint,
    HCLOUD_TOKEN: TOKEN,
    HCLOUD_SERVER_ID: String(server.id),
    ...opts.env,
  };
  return { fake, serverId: server.id, env };
}

/** The panel as `serve` runs it, once its scheduler's start-up work (resume, catch-up) is done. */
export async function startSchedulerPanel(
  world: SchedulerWorld,
  opts: { clock?: Clock; dataDir?: string; env?: Record<string, string> } = {},
): Promise<PanelHarness> {
  const panel = await startPanel({
    env: { ...world.env, ...opts.env },
    clock: opts.clock ?? simulatedClock(world.fake),
    dataDir: opts.dataDir,
  });
  await panel.get<ScheduleRunnerService>(ScheduleRunnerService).whenStarted();
  return panel;
}

/** Automatic snapshots of the world's server, `daysAgo` old. */
export function addAutoSnapshots(
  world: SchedulerWorld,
  daysAgo: number[],
  extra: FakeImageInput = {},
): FakeImageRecord[] {
  const now = world.fake.now().getTime();
  return daysAgo.map((days) =>
    world.fake.addImage({
      serverId: world.serverId,
      labels: AUTO_LABELS,
      description: `web-1 auto ${days}d`,
      created: new Date(now - days * DAY_MS),
      ...extra,
    }),
  );
}

/** Changes settings in the database and announces it, as the settings page does after saving. */
export async function changeSettings(panel: PanelHarness, patch: Partial<PanelSettings>): Promise<void> {
  await panel.get<Repository<PanelSettings>>(getRepositoryToken(PanelSettings)).update({ id: 1 }, patch);
  await panel
    .get<EventEmitter2>(EventEmitter2)
    .emitAsync(SETTINGS_CHANGED_EVENT, { fields: Object.keys(patch) });
}

export function cycleRuns(panel: PanelHarness): Promise<CycleRun[]> {
  return panel.get<Repository<CycleRun>>(getRepositoryToken(CycleRun)).find({ order: { id: 'ASC' } });
}

export function requestsOf(fake: FakeHcloud, method: string, path: string | RegExp) {
  return fake.requests.filter(
    (r) => r.method === method && (typeof path === 'string' ? r.path === path : path.test(r.path)),
  );
}

/** Requests to the API (not the metadata service), as the client counts them. */
export function apiRequests(fake: FakeHcloud) {
  return fake.requests.filter((r) => r.path.startsWith('/v1/'));
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `snapshot-panel <argv>` in this process with its own environment and captured output. */
export async function cli(argv: string[], env: Record<string, string>): Promise<CliResult> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  stderr.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
  const code = await runCli(argv, {
    stdin: Readable.from([]),
    stdout,
    stderr,
    env: { TZ: 'Europe/Berlin', LOG_LEVEL: 'warn', PASSWORD_HASH_COST: TEST_PASSWORD_HASH_COST, ...env },
  });
  return { code, stdout: out, stderr: err };
}
