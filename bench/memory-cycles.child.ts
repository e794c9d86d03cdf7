// `node --expose-gc dist/bench/memory-cycles.child.js <cycles> <where-the-fake-is>`: the memory-over-cycles
// figure in a process of its own, tuned as the bin entry tunes `serve` (src/memory-tuning), so the earlier
// benchmarks' garbage and allocator state do not count. Prints the result as JSON on stdout.
//   parent: the fake and the visiting browser run in the parent (run-benchmarks), which passes the fake's
//           environment in BENCH_WORLD and, asked over the IPC channel, moves the clock and views the
//           pages: this process holds only the panel, as `serve` would.
//   here:   the fake runs in this process too (the earlier way, kept for comparison).
import { releaseMemory, startUpFinished } from '../src/memory-tuning';
import 'reflect-metadata';
import {
  CycleWorld,
  measureMemoryOverCycles,
  worldInParentProcess,
  worldInThisProcess,
} from './memory.bench';

async function main(): Promise<void> {
  const cycles = Number(process.argv[2] ?? 1000);
  const where = process.argv[3] ?? 'here';
  if (where !== 'parent' && where !== 'here')
    throw new Error(`where the fake is: parent or here, not ${where}`);
  const world: CycleWorld =
    where === 'parent'
      ? worldInParentProcess(JSON.parse(process.env.BENCH_WORLD ?? '{}') as Record<string, string>)
      : await worldInThisProcess();
  const result = await measureMemoryOverCycles(cycles, world, {
    variant: process.env.BENCH_VARIANT ?? where,
    fakeInProcess: where === 'here',
    afterStart: startUpFinished,
    releaseMemory,
  });
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
