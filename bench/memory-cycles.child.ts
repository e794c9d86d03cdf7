// `node --expose-gc dist/bench/memory-cycles.child.js <cycles>`: the memory-over-cycles figure in a process of
// its own, tuned as the bin entry tunes `serve` (src/memory-tuning), so the earlier benchmarks' garbage and
// allocator state do not count. Prints the result as JSON on stdout for run-benchmarks.
import { releaseMemory, startUpFinished } from '../src/memory-tuning';
import 'reflect-metadata';
import { measureMemoryOverCycles } from './memory.bench';

measureMemoryOverCycles(Number(process.argv[2] ?? 1000), {
  afterStart: startUpFinished,
  releaseMemory,
}).then(
  (result) => process.stdout.write(`${JSON.stringify(result)}\n`),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  },
);
