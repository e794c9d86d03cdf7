#!/usr/bin/env -S node --v8-pool-size=1
// The package's bin entry (dist/cli.js, `snapshot-panel`). Everything else lives in src/cli.
// One V8 worker thread instead of one per core: the panel idles, and each thread that compiles or collects
// keeps its own malloc arena (the bench's 1,000-cycle child, compilers still on: RSS growth 17.4 → 11.0 MB).
import './src/node-version.check';
import { startUpFinished } from './src/memory-tuning';
import 'reflect-metadata';
import { runCli } from './src/cli/cli';

runCli(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
}).then(
  (code) => {
    startUpFinished();
    // `serve` resolves once listening; its open server keeps the process alive.
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`snapshot-panel: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
