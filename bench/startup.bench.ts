// Time from `node dist/cli.js serve` to the first page answered (GET /login), on a new data folder (the
// database is created and migrated) and on an existing one (a restart), and the idle server's memory: with
// the panel's own tuning (src/memory-tuning.ts, as the bin entry runs it), with that plus the systemd unit's
// MALLOC_ARENA_MAX=2, and with V8's defaults (SNAPSHOT_PANEL_V8_DEFAULTS=1), one after the other in one run.
import * as fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import { BenchWorld, makeDataDir, percentile, residentBytes, sleep, startChild } from './bench-panel';

export interface IdleRss {
  /** How the process was started. */
  variant: string;
  env: Record<string, string>;
  /** Flags for node itself, before dist/cli.js. */
  nodeArgs?: string[];
  /** VmRSS of the serving process after it has answered a page and sat idle for a few seconds. */
  rssMb: number | null;
}

export interface StartupTimes {
  samples: number;
  firstStartMs: { p50: number; max: number };
  restartMs: { p50: number; max: number };
  /** The tuned figure (the bin entry as `npm start` runs it). */
  idleRssMb: number | null;
  idleRss: IdleRss[];
}

const RUNS = 3;
const IDLE_SETTLE_MS = 3_000;
const IDLE_VARIANTS: Omit<IdleRss, 'rssMb'>[] = [
  { variant: 'tuned (bin entry, npm start)', env: {} },
  { variant: 'tuned + MALLOC_ARENA_MAX=2 (systemd unit)', env: { MALLOC_ARENA_MAX: '2' } },
  { variant: 'V8 defaults (SNAPSHOT_PANEL_V8_DEFAULTS=1)', env: { SNAPSHOT_PANEL_V8_DEFAULTS: '1' } },
  // The lowest figure found: no optimizing compiler at all (slower hot code; it cannot be set at run time).
  {
    variant: 'node --lite-mode + MALLOC_ARENA_MAX=2',
    env: { MALLOC_ARENA_MAX: '2' },
    nodeArgs: ['--lite-mode'],
  },
];

export async function measureStartup(world: BenchWorld): Promise<StartupTimes> {
  const first: number[] = [];
  const again: number[] = [];
  const idleRss: IdleRss[] = [];
  for (let run = 0; run < RUNS; run++) {
    const dataDir = makeDataDir();
    try {
      const env = { ...world.env, DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info' };
      first.push((await timeToFirstPage(env, [], async () => undefined)).ms);
      again.push((await timeToFirstPage(env, [], async () => undefined)).ms);
      // Each variant starts on the same, existing data folder; each run adds one sample per variant.
      for (const variant of IDLE_VARIANTS) {
        await timeToFirstPage({ ...env, ...variant.env }, variant.nodeArgs, async (pid) => {
          await sleep(IDLE_SETTLE_MS);
          const bytes = residentBytes(pid);
          idleRss.push({ ...variant, rssMb: bytes === null ? null : mb1(bytes / 1_048_576) });
        });
      }
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }
  const summary = (samples: number[]) => ({
    p50: Math.round(percentile(samples, 50)),
    max: Math.round(Math.max(...samples)),
  });
  // The median of the runs, per variant: a single start can land on a GC or not.
  const medians = IDLE_VARIANTS.map((variant): IdleRss => {
    const samples = idleRss
      .filter((s) => s.variant === variant.variant && s.rssMb !== null)
      .map((s) => s.rssMb as number);
    return { ...variant, rssMb: samples.length > 0 ? percentile(samples, 50) : null };
  });
  return {
    samples: RUNS,
    firstStartMs: summary(first),
    restartMs: summary(again),
    idleRssMb: medians[0].rssMb,
    idleRss: medians,
  };
}

/** Spawns `serve`, asks for /login until it answers, runs `whileUp`, stops it. */
async function timeToFirstPage(
  env: Record<string, string>,
  nodeArgs: string[] = [],
  whileUp: (pid: number) => Promise<void>,
): Promise<{ ms: number }> {
  const started = performance.now();
  const server = startChild(['serve'], env, undefined, nodeArgs);
  try {
    const url = await server.listening;
    for (;;) {
      const res = await fetch(`${url}/login`, { redirect: 'manual' }).catch(() => null);
      if (res && res.status < 500) {
        await res.arrayBuffer();
        break;
      }
      await sleep(5);
    }
    const ms = performance.now() - started;
    await whileUp(server.child.pid as number);
    return { ms };
  } finally {
    await server.stop();
  }
}

function mb1(value: number): number {
  return Math.round(value * 10) / 10;
}
