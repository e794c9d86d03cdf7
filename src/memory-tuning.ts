// Imported first by the bin entry, before the application allocates anything. The panel idles most of its
// life between a handful of requests, so it trades a little speed for memory, in six ways:
// - modules its dependencies load but the panel never calls are left out (src/unused-modules.ts);
// - V8's young generation stays at its small starting size instead of growing to tens of MB it rarely needs;
// - the optimizing compilers (Maglev, TurboFan) stay off: start-up runs thousands of functions a few times
//   each (decorators, module wiring, migrations), and afterwards the panel runs a cycle an hour and a page
//   now and then, so their code mostly sits unused, and it kept growing for hundreds of cycles as more
//   functions crossed their thresholds (over 1,000 cycles: heap +1.0–1.2 MB from cycle 100 and RSS
//   +13.6 MB with them, +0.6 and +9 without). The interpreter and the baseline compiler (Sparkplug) run
//   everything; the snapshots page costs the same with 29 of 5,000 snapshots and about 20 % more with
//   5,000 of this server's own. An operator who wants them starts node with --maglev --turbofan (V8 refuses
//   those in NODE_OPTIONS), which leaves the compilers as chosen;
// - until the command has started (`startUpFinished`) V8 favours size over speed (`--optimize-for-size`);
//   kept on afterwards it doubles the snapshots page's time at 5,000 snapshots;
// - baseline (Sparkplug) code of functions that have not run for a while is dropped with their bytecode, as
//   V8 already does for bytecode alone; code that runs once a cycle or once a page view is compiled again
//   when it runs (measured with the optimizing compilers on: heap growth from cycle 100 to 1,000 of the
//   bench 1.7 MB without it, about 1 with it);
// - once started, and then every quarter of an hour, one memory-reducing collection hands back what start-up
//   and the work since have left behind (`releaseMemory`): V8 otherwise keeps it until the heap fills up.
// Measured by `npm run bench` (memory: serve's idle RSS, tuned and with V8 defaults side by side; the
// 1,000-cycle growth); SNAPSHOT_PANEL_V8_DEFAULTS=1 turns all of this off.
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { leaveOutUnusedModules } from './unused-modules';

// eslint-disable-next-line no-restricted-properties -- read before the config exists: it tunes the runtime itself
const { SNAPSHOT_PANEL_V8_DEFAULTS, NODE_OPTIONS } = process.env;
/** Compiler flags the operator chose stay as chosen: --maglev or --turbofan for speed, --jitless or --lite-mode for less. */
const OPERATOR_CHOSE_COMPILERS = /--(no-)?(jitless|lite-mode|turbofan|opt|maglev|sparkplug)\b/;
const tuned = SNAPSHOT_PANEL_V8_DEFAULTS !== '1';
const compilersTuned =
  tuned && ![...process.execArgv, NODE_OPTIONS ?? ''].some((flag) => OPERATOR_CHOSE_COMPILERS.test(flag));

/** The first release waits for the start's first requests (a browser's page and its assets) to pass. */
export const FIRST_RELEASE_AFTER_MS = 2_000;
export const RELEASE_EVERY_MS = 15 * 60_000;

if (tuned) {
  leaveOutUnusedModules();
  v8.setFlagsFromString('--semi-space-growth-factor=1');
  v8.setFlagsFromString('--flush-baseline-code');
  v8.setFlagsFromString('--optimize-for-size');
}
if (compilersTuned) {
  v8.setFlagsFromString('--no-turbofan');
  v8.setFlagsFromString('--no-maglev');
}

/** The command has started (`serve`: listening): speed counts from now on, and memory is handed back. */
export function startUpFinished(): void {
  if (!tuned) return;
  v8.setFlagsFromString('--no-optimize-for-size');
  // Unref'd: a command that has finished exits without waiting for them; `serve` keeps them going.
  setTimeout(releaseMemory, FIRST_RELEASE_AFTER_MS).unref();
  setInterval(releaseMemory, RELEASE_EVERY_MS).unref();
}

let collect: NodeJS.GCFunction | undefined;

/**
 * One full, memory-reducing collection (V8's "last resort" flavour: compacts the heap, drops bytecode of
 * functions that have not run for a while, returns the freed pages to the system). About 70 ms for the
 * panel's heap, so it runs only when asked: after start-up, every quarter of an hour, and in the bench.
 */
export function releaseMemory(): void {
  if (!tuned) return;
  collect ??= globalThis.gc ?? exposedCollector();
  collect({ type: 'major', execution: 'sync', flavor: 'last-resort' });
}

/** V8 gives `gc` to contexts made after --expose-gc is set; this one context is made only to hand it over. */
function exposedCollector(): NodeJS.GCFunction {
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as NodeJS.GCFunction;
}
