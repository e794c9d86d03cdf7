// Imported first by the bin entry, before the application allocates anything. The panel idles most of its
// life between a handful of requests; V8 lets its young generation grow to a large default semi-space
// (tens of MB of resident memory it rarely needs) unless told to keep it small. Measured by `npm run bench`
// (memory: serve's idle RSS); SNAPSHOT_PANEL_V8_DEFAULTS=1 turns this off for comparison.
import * as v8 from 'node:v8';

// eslint-disable-next-line no-restricted-properties -- read before the config exists: it tunes the runtime itself
if (process.env.SNAPSHOT_PANEL_V8_DEFAULTS !== '1') v8.setFlagsFromString('--semi-space-growth-factor=1');
