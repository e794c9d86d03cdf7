// Imported first by the bin entry, before the application allocates anything. The panel idles most of its
// life between a handful of requests; V8 lets its young generation grow to a large default semi-space
// (tens of MB of resident memory it rarely needs) unless told to keep it small. Start-up runs thousands of
// functions a few times each (decorators, module wiring, migrations): V8's optimizing compilers would spend
// about 10 MB of memory that stays resident on code that never runs again, so they are off until the
// command has started (`startUpFinished`). Measured by `npm run bench` (memory: serve's idle RSS, tuned and
// with V8 defaults side by side); SNAPSHOT_PANEL_V8_DEFAULTS=1 turns all of this off.
import * as v8 from 'node:v8';

// eslint-disable-next-line no-restricted-properties -- read before the config exists: it tunes the runtime itself
const { SNAPSHOT_PANEL_V8_DEFAULTS, NODE_OPTIONS } = process.env;
/**
 * Compiler flags the operator chose stay as chosen: turning the optimizing compilers back on under
 * --jitless or --lite-mode stops the process at once (measured on Node 24).
 */
const OPERATOR_CHOSE_COMPILERS = /--(no-)?(jitless|lite-mode|turbofan|opt|maglev|sparkplug)\b/;
const tuned = SNAPSHOT_PANEL_V8_DEFAULTS !== '1';
const compilersTuned =
  tuned && ![...process.execArgv, NODE_OPTIONS ?? ''].some((flag) => OPERATOR_CHOSE_COMPILERS.test(flag));

if (tuned) v8.setFlagsFromString('--semi-space-growth-factor=1');
if (compilersTuned) {
  v8.setFlagsFromString('--no-turbofan');
  v8.setFlagsFromString('--no-maglev');
}

/** The command has started (`serve`: listening): hot code may be optimized from now on. */
export function startUpFinished(): void {
  if (!compilersTuned) return;
  v8.setFlagsFromString('--turbofan');
  v8.setFlagsFromString('--maglev');
}
