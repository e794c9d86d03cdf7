// Time from `node dist/cli.js serve` to the first page answered (GET /login), on a new data folder (the
// database is created and migrated) and on an existing one (a restart), and the idle server's memory.
import * as fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import { BenchWorld, makeDataDir, percentile, residentBytes, sleep, startChild } from './bench-panel';

export interface StartupTimes {
  samples: number;
  firstStartMs: { p50: number; max: number };
  restartMs: { p50: number; max: number };
  /** VmRSS of the serving process after it has answered a page and sat idle for a few seconds. */
  idleRssMb: number | null;
}

const RUNS = 3;
const IDLE_SETTLE_MS = 3_000;

export async function measureStartup(world: BenchWorld): Promise<StartupTimes> {
  const first: number[] = [];
  const again: number[] = [];
  let idleRssMb: number | null = null;
  for (let run = 0; run < RUNS; run++) {
    const dataDir = makeDataDir();
    try {
      const env = { ...world.env, DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info' };
      first.push((await timeToFirstPage(env, async () => undefined)).ms);
      const restart = await timeToFirstPage(env, async (pid) => {
        if (run === 0) {
          await sleep(IDLE_SETTLE_MS);
          const bytes = residentBytes(pid);
          idleRssMb = bytes === null ? null : Math.round((bytes / 1_048_576) * 10) / 10;
        }
      });
      again.push(restart.ms);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }
  const summary = (samples: number[]) => ({
    p50: Math.round(percentile(samples, 50)),
    max: Math.round(Math.max(...samples)),
  });
  return { samples: RUNS, firstStartMs: summary(first), restartMs: summary(again), idleRssMb };
}

/** Spawns `serve`, asks for /login until it answers, runs `whileUp`, stops it. */
async function timeToFirstPage(
  env: Record<string, string>,
  whileUp: (pid: number) => Promise<void>,
): Promise<{ ms: number }> {
  const started = performance.now();
  const server = startChild(['serve'], env);
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
