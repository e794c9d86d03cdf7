// Resident memory over 1,000 automatic cycles in simulated time (an hourly schedule kept one day: about 40
// days of operation), with the panel wired as `serve` wires it, listening, and its pages viewed now and then.
// Memory is read after the panel's own memory-reducing collection and a full garbage collection (node
// --expose-gc, as `npm run bench` runs it).
// The headline runs the fake Hetzner API and the visiting browser in the parent process, as they are elsewhere
// for `serve`: the panel's process holds only the panel. Time is the parent's fake clock, moved over IPC
// (bench/memory-cycles.child.ts). The earlier way, with the fake in the same process, still runs beside it
// for comparison; there the fake's own growth for as many snapshots is measured alone first.
import { getRepositoryToken } from '@nestjs/typeorm';
import { ChildProcess, execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import * as v8 from 'node:v8';
import { Repository } from 'typeorm';
import { Clock } from '../src/clock/clock';
import { FakeHcloud } from '../src/fake-hcloud';
import { SnapshotCycleService } from '../src/hetzner-snapshots/cycle/snapshot-cycle.service';
import { PanelSettings } from '../src/hetzner-snapshots/settings/panel-settings.entity';
import {
  AUTO_LABELS,
  HOUR_MS,
  simulatedClock,
  startInProcessPanel,
  startWorld,
  TOKEN,
  WebSession,
} from './bench-panel';

/**
 * Where the cycles' Hetzner and the panel's visitor live, as the panel sees them: its environment, its
 * clock, the step to the next hour, and a signed-in admin viewing a page.
 */
export interface CycleWorld {
  env: Record<string, string>;
  clock: Clock;
  /** Forgets the fake's request log and moves its clock (and the panel's) on by an hour. */
  nextHour(): Promise<void>;
  /** A signed-in admin views the panel's page at baseUrl + page; resolves with the status. */
  view(baseUrl: string, page: string): Promise<number>;
  close(): Promise<void>;
}

/** One view by a signed-in admin, signing in first, and again when days of simulated time end the session. */
async function viewSignedIn(
  sessions: Map<string, WebSession>,
  baseUrl: string,
  page: string,
): Promise<number> {
  let session = sessions.get(baseUrl);
  if (!session) {
    session = new WebSession(baseUrl);
    sessions.set(baseUrl, session);
  }
  let res = await session.get(page);
  if (res.status === 303) {
    await session.signIn();
    res = await session.get(page);
  }
  return res.status;
}

/** The fake and the visitor in this process (the earlier way), the fake's clock shared directly. */
export async function worldInThisProcess(): Promise<CycleWorld> {
  const world = await startWorld({ actionDurationMs: 60_000 });
  const sessions = new Map<string, WebSession>();
  return {
    env: world.env,
    clock: simulatedClock(world.fake),
    async nextHour() {
      world.fake.clearRequests();
      world.fake.advance(HOUR_MS);
    },
    view: (baseUrl, page) => viewSignedIn(sessions, baseUrl, page),
    close: () => world.fake.close(),
  };
}

type ParentRequest =
  | { id: number; kind: 'clock'; advanceMs: number; clearRequests: boolean }
  | { id: number; kind: 'view'; baseUrl: string; page: string };
type ParentReply = { id: number; status?: number };

/**
 * The fake and the visitor in the parent (see serveWorldOverIpc), so this process holds only the panel:
 * it keeps the same offset from the wall clock as the fake's clock, and every step of it is made there
 * too before the step resolves.
 */
export function worldInParentProcess(env: Record<string, string>): CycleWorld {
  if (!process.send) throw new Error('worldInParentProcess needs an IPC channel to the parent');
  let offsetMs = 0;
  let nextId = 0;
  const waiting = new Map<number, (reply: ParentReply) => void>();
  const onMessage = (reply: ParentReply) => {
    waiting.get(reply.id)?.(reply);
    waiting.delete(reply.id);
  };
  process.on('message', onMessage);
  const ask = (request: ParentRequest) =>
    new Promise<ParentReply>((resolve) => {
      waiting.set(request.id, resolve);
      process.send?.(request);
    });
  const step = async (advanceMs: number, clearRequests: boolean) => {
    offsetMs += advanceMs;
    await ask({ id: nextId++, kind: 'clock', advanceMs, clearRequests });
  };
  return {
    env,
    clock: {
      now: () => new Date(Date.now() + offsetMs),
      async sleep(ms, signal) {
        if (signal?.aborted) throw signal.reason;
        await step(ms, false);
      },
    },
    nextHour: () => step(HOUR_MS, true),
    async view(baseUrl, page) {
      return (await ask({ id: nextId++, kind: 'view', baseUrl, page })).status ?? 0;
    },
    async close() {
      process.off('message', onMessage);
      process.disconnect?.();
    },
  };
}

/** The parent's side of worldInParentProcess: makes each clock step on the fake, and each page view. */
export function serveWorldOverIpc(child: ChildProcess, fake: FakeHcloud): void {
  const sessions = new Map<string, WebSession>();
  child.on('message', (request: ParentRequest) => {
    if (request.kind === 'clock') {
      fake.advance(request.advanceMs);
      if (request.clearRequests) fake.clearRequests();
      child.send({ id: request.id } satisfies ParentReply);
      return;
    }
    void viewSignedIn(sessions, request.baseUrl, request.page).then(
      (status) => child.send({ id: request.id, status } satisfies ParentReply),
      () => child.send({ id: request.id, status: 0 } satisfies ParentReply),
    );
  });
}

export interface MemoryOverCycles {
  /** How the panel's process was run (see bench/memory-cycles.child.ts). */
  variant: string;
  /** Whether the fake Hetzner API ran in the measured process (the earlier way). */
  fakeInProcess: boolean;
  cycles: number;
  gcAvailable: boolean;
  secondsTaken: number;
  failedCycles: number;
  /** After warm-up (steady number of snapshots), before the measured cycles. */
  baseline: { rssMb: number; heapUsedMb: number };
  after: { rssMb: number; heapUsedMb: number };
  growth: { rssMb: number; heapUsedMb: number };
  /** Heap growth from cycle 100 on, after caches and compiled code have settled. */
  heapGrowthAfterCycle100Mb: number;
  /** Heap the fake alone gains over as many create + delete rounds (its action records), when it ran here. */
  fakeOwnHeapGrowthMb: number | null;
  /** Every 100 cycles, to show the trend rather than two points. */
  trend: MemorySample[];
  /** From cycle 100 to the end: of the heap, compiled code and bytecode, and everything else (the data). */
  afterCycle100: { codeMb: number; dataMb: number; rssMb: number };
}

const WARM_UP_CYCLES = 30;
const PAGE_VIEW_EVERY = 50;
const SAMPLE_EVERY = 100;

export async function measureMemoryOverCycles(
  cycles: number,
  world: CycleWorld,
  opts: {
    variant: string;
    fakeInProcess: boolean;
    afterStart?: () => void;
    releaseMemory?: () => void;
  },
): Promise<MemoryOverCycles> {
  const fakeOwnHeapGrowthMb = opts.fakeInProcess
    ? await measureFakeOwnGrowth(cycles, opts.releaseMemory)
    : null;
  const panel = await startInProcessPanel(world, world.clock);
  opts.afterStart?.();
  try {
    await panel
      .get<Repository<PanelSettings>>(getRepositoryToken(PanelSettings))
      .update({ id: 1 }, { retentionDays: 1, keepMin: 3, frequency: '1h' });
    const runner = panel.get<SnapshotCycleService>(SnapshotCycleService);
    let failedCycles = 0;
    const oneCycle = async (n: number) => {
      const outcome = await runner.runCycle({ trigger: 'schedule' });
      if (outcome.status !== 'succeeded') failedCycles++;
      await world.nextHour();
      if (n % PAGE_VIEW_EVERY === 0) {
        for (const page of ['/snapshots', '/history']) {
          const status = await world.view(panel.url, page);
          if (status !== 200) throw new Error(`GET ${page} answered ${status} after cycle ${n}`);
        }
      }
    };

    for (let n = 1; n <= WARM_UP_CYCLES; n++) await oneCycle(n);
    const baseline = await sample(opts.releaseMemory);
    const trend = [{ cycle: 0, ...baseline }];
    const started = performance.now();
    for (let n = 1; n <= cycles; n++) {
      await oneCycle(n);
      if (n % SAMPLE_EVERY === 0 || n === cycles)
        trend.push({ cycle: n, ...(await sample(opts.releaseMemory)) });
    }
    const after = trend[trend.length - 1];
    const at100 = trend.find((t) => t.cycle === 100) ?? trend[0];
    return {
      variant: opts.variant,
      fakeInProcess: opts.fakeInProcess,
      cycles,
      gcAvailable: typeof global.gc === 'function',
      secondsTaken: Math.round((performance.now() - started) / 100) / 10,
      failedCycles,
      baseline,
      after: { rssMb: after.rssMb, heapUsedMb: after.heapUsedMb },
      growth: {
        rssMb: mb1(after.rssMb - baseline.rssMb),
        heapUsedMb: mb1(after.heapUsedMb - baseline.heapUsedMb),
      },
      fakeOwnHeapGrowthMb,
      heapGrowthAfterCycle100Mb: mb1(after.heapUsedMb - at100.heapUsedMb),
      afterCycle100: {
        codeMb: mb1(after.codeMb - at100.codeMb),
        dataMb: mb1(after.dataMb - at100.dataMb),
        rssMb: mb1(after.rssMb - at100.rssMb),
      },
      trend,
    };
  } finally {
    await panel.close();
    await world.close();
  }
}

/** The fake by itself: as many snapshots made and deleted as the panel will make, without the panel. */
async function measureFakeOwnGrowth(rounds: number, releaseMemory?: () => void): Promise<number> {
  const world = await startWorld({ actionDurationMs: 60_000 });
  const headers = { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' };
  const round = async () => {
    const res = await fetch(`${world.fake.apiEndpoint}/servers/${world.serverId}/actions/create_image`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        type: 'snapshot',
        description: 'web-1 auto 2026-01-01T00:00:00Z',
        labels: AUTO_LABELS,
      }),
    });
    const { image } = (await res.json()) as { image: { id: number } };
    world.fake.advance(HOUR_MS);
    await (
      await fetch(`${world.fake.apiEndpoint}/images/${image.id}`, { method: 'DELETE', headers })
    ).arrayBuffer();
    world.fake.clearRequests();
  };
  try {
    for (let i = 0; i < WARM_UP_CYCLES; i++) await round();
    const before = (await sample(releaseMemory)).heapUsedMb;
    for (let i = 0; i < rounds; i++) await round();
    return mb1((await sample(releaseMemory)).heapUsedMb - before);
  } finally {
    await world.fake.close();
  }
}

/** V8's spaces for compiled code, bytecode and their metadata: they grow as more code gets compiled. */
const CODE_SPACES = new Set([
  'code_space',
  'code_large_object_space',
  'trusted_space',
  'trusted_large_object_space',
]);

export interface MemorySample {
  cycle: number;
  rssMb: number;
  /** Of the RSS, memory not backed by a file: the heap, malloc's arenas, JIT code (Linux; else null). */
  anonymousMb: number | null;
  heapUsedMb: number;
  /** What V8 has taken from the system for its heap, used or not. */
  heapTotalMb: number;
  codeMb: number;
  dataMb: number;
}

async function sample(releaseMemory?: () => void): Promise<Omit<MemorySample, 'cycle'>> {
  // The memory-reducing collection `serve` makes every quarter of an hour (src/memory-tuning.ts), which a
  // thousand simulated hours would have made thousands of times. FinalizationRegistry callbacks (what they
  // hold is freed only once they have run) run as tasks after a collection, so the event loop turns once
  // before a last full collection, as it would between two cycles of `serve`.
  releaseMemory?.();
  await new Promise((resolve) => setTimeout(resolve, 20));
  releaseMemory?.();
  global.gc?.();
  const usage = process.memoryUsage();
  const code = v8
    .getHeapSpaceStatistics()
    .filter((space) => CODE_SPACES.has(space.space_name))
    .reduce((sum, space) => sum + space.space_used_size, 0);
  return {
    rssMb: mb1(usage.rss / 1_048_576),
    anonymousMb: anonymousMb(),
    heapUsedMb: mb1(usage.heapUsed / 1_048_576),
    heapTotalMb: mb1(usage.heapTotal / 1_048_576),
    codeMb: mb1(code / 1_048_576),
    dataMb: mb1((usage.heapUsed - code) / 1_048_576),
  };
}

function anonymousMb(): number | null {
  try {
    const kb = /^Anonymous:\s+(\d+) kB/m.exec(fs.readFileSync('/proc/self/smaps_rollup', 'utf8'))?.[1];
    return kb === undefined ? null : mb1(Number(kb) / 1024);
  } catch {
    return null;
  }
}

function mb1(value: number): number {
  return Math.round(value * 10) / 10;
}

/** What each group of dependencies `serve` loads adds to a bare node's memory, loaded one after another. */
export interface DependencyCost {
  step: string;
  rssMb: number;
  heapUsedMb: number;
  addedRssMb: number;
}

const DEPENDENCY_STEPS: { step: string; modules: string[] }[] = [
  { step: 'bare node + reflect-metadata', modules: ['reflect-metadata'] },
  { step: 'rxjs', modules: ['rxjs'] },
  { step: '@nestjs/common', modules: ['@nestjs/common'] },
  { step: '@nestjs/core', modules: ['@nestjs/core'] },
  { step: '@nestjs/platform-express (express, multer)', modules: ['@nestjs/platform-express'] },
  {
    step: 'typeorm + @nestjs/typeorm + better-sqlite3',
    modules: ['typeorm', '@nestjs/typeorm', 'better-sqlite3'],
  },
  {
    step: 'class-validator (+ libphonenumber-js) + class-transformer',
    modules: ['class-validator', 'class-transformer'],
  },
  { step: 'hbs (handlebars)', modules: ['hbs'] },
  {
    step: '@nestjs/schedule, event-emitter, cron, luxon, helmet',
    modules: ['@nestjs/schedule', '@nestjs/event-emitter', 'cron', 'luxon', 'helmet'],
  },
  { step: 'qrcode + otpauth (two-factor pages)', modules: ['qrcode', 'otpauth'] },
];

export function measureDependencyCost(projectRoot: string): DependencyCost[] {
  const script = `
    const steps = ${JSON.stringify(DEPENDENCY_STEPS)};
    const out = [];
    for (const { step, modules } of steps) {
      for (const m of modules) await import(m);
      await new Promise((r) => setTimeout(r, 200));
      gc(); gc();
      const u = process.memoryUsage();
      out.push({ step, rss: u.rss, heapUsed: u.heapUsed });
    }
    process.stdout.write(JSON.stringify(out));`;
  const raw = execFileSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', script], {
    cwd: projectRoot,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '' },
  });
  const samples = JSON.parse(raw) as { step: string; rss: number; heapUsed: number }[];
  return samples.map((s, i) => ({
    step: s.step,
    rssMb: mb1(s.rss / 1_048_576),
    heapUsedMb: mb1(s.heapUsed / 1_048_576),
    addedRssMb: mb1((s.rss - (i > 0 ? samples[i - 1].rss : 0)) / 1_048_576),
  }));
}
