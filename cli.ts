#!/usr/bin/env node
// The package's bin entry (dist/cli.js, `snapshot-panel`). Everything else lives in src/cli.
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
