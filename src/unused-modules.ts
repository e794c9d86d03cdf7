// Installed by src/memory-tuning.ts, before the application loads: modules the panel's dependencies load at start-up although
// the panel never calls them are replaced by a stand-in that throws a clear error if it ever is called, and
// builtins whose ES-module face would load more than their importers use get a narrower face. Each
// costs resident memory for as long as the process runs (measured by `npm run bench`: memory, "what serve
// loads"). Only the bin entry does this; a host panel that imports the plugin keeps its modules as they are.
// SNAPSHOT_PANEL_V8_DEFAULTS=1 turns it off along with the rest of the memory tuning.
import * as nodeModule from 'node:module';

/** What is left out, and why the panel can do without it. */
export const UNUSED_MODULES: readonly {
  what: string;
  why: string;
  matches: (load: ModuleLoad) => boolean;
}[] = [
  {
    what: "TypeORM's drivers for other databases",
    why: 'its driver factory loads every driver it knows; the panel keeps its settings in SQLite (better-sqlite3)',
    matches: ({ specifier, parentUrl }) =>
      parentUrl?.endsWith('/typeorm/driver/DriverFactory.js') === true &&
      /^\.\/[a-z0-9-]+\/\w+Driver$/.test(specifier) &&
      !specifier.startsWith('./better-sqlite3/'),
  },
  {
    what: "libphonenumber-js's metadata",
    why: "class-validator's IsPhoneNumber loads it; the panel validates no phone numbers",
    matches: ({ specifier }) => specifier === 'libphonenumber-js/max',
  },
];

export interface ModuleLoad {
  specifier: string;
  parentUrl: string | undefined;
}

const STAND_IN_SCHEME = 'snapshot-panel-unused:';

/**
 * Node builtins whose ES-module face loads what the panel never uses. An ES module's `import … from
 * 'node:http'` (NestJS 12 is ES modules only) makes Node read every export of http, and three of them are
 * getters that load Node's whole fetch implementation (undici, about 8 MB of resident memory for as long as
 * the process runs; the panel speaks HTTP through node:http). ES importers get a face without those
 * three; `require('http')` is untouched, its getters stay lazy.
 */
export const BUILTIN_EXPORTS_LEFT_OUT: Readonly<Record<string, readonly string[]>> = {
  'node:http': ['WebSocket', 'CloseEvent', 'MessageEvent'],
};

const FACE_SCHEME = 'snapshot-panel-face:';

/** The builtin an ES module asks for, when its face leaves exports out; undefined otherwise. */
export function builtinFaceFor(
  specifier: string,
  conditions: readonly string[] | undefined,
): string | undefined {
  if (!conditions?.includes('import')) return undefined;
  const builtin = specifier.startsWith('node:') ? specifier : `node:${specifier}`;
  return builtin in BUILTIN_EXPORTS_LEFT_OUT ? builtin : undefined;
}

/** The face's source: the builtin as default export, and each of its other exports by name. */
export function builtinFaceSource(builtin: string): string {
  const leftOut = new Set(BUILTIN_EXPORTS_LEFT_OUT[builtin] ?? []);
  const exported = Object.keys(process.getBuiltinModule(builtin) as object).filter(
    (name) => !leftOut.has(name) && /^[A-Za-z_$][\w$]*$/.test(name) && name !== 'default',
  );
  return [
    `const builtin = process.getBuiltinModule(${JSON.stringify(builtin)});`,
    'export default builtin;',
    ...exported.map((name) => `export const ${name} = builtin.${name};`),
  ].join('\n');
}

/** The stand-in's source: every export is a function that says what was left out, and throws. */
export function standInSource(specifier: string, what: string): string {
  const message = `snapshot-panel leaves ${what} out (${specifier}): see src/unused-modules.ts`;
  return `'use strict';
const fail = function () { throw new Error(${JSON.stringify(message)}); };
module.exports = new Proxy({}, {
  get: (_, name) => (typeof name === 'string' && name !== '__esModule' && name !== 'then' ? fail : undefined),
});
`;
}

/** Installs the stand-ins; false where this Node has no synchronous module hooks (before 22.15). */
export function leaveOutUnusedModules(): boolean {
  if (typeof nodeModule.registerHooks !== 'function') return false;
  nodeModule.registerHooks({
    resolve(specifier, context, nextResolve) {
      const builtin = builtinFaceFor(specifier, context.conditions);
      if (builtin) return { url: `${FACE_SCHEME}${builtin}`, format: 'module', shortCircuit: true };
      const load = { specifier, parentUrl: context.parentURL };
      const left = UNUSED_MODULES.find((entry) => entry.matches(load));
      if (!left) return nextResolve(specifier, context);
      const url = `${STAND_IN_SCHEME}${encodeURIComponent(left.what)}/${encodeURIComponent(specifier)}`;
      return { url, format: 'commonjs', shortCircuit: true };
    },
    load(url, context, nextLoad) {
      if (url.startsWith(FACE_SCHEME)) {
        const source = builtinFaceSource(url.slice(FACE_SCHEME.length));
        return { format: 'module', source, shortCircuit: true };
      }
      if (!url.startsWith(STAND_IN_SCHEME)) return nextLoad(url, context);
      const [what, specifier] = url.slice(STAND_IN_SCHEME.length).split('/').map(decodeURIComponent);
      return { format: 'commonjs', source: standInSource(specifier, what), shortCircuit: true };
    },
  });
  return true;
}
