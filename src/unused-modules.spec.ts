import * as vm from 'node:vm';
import {
  builtinFaceFor,
  builtinFaceSource,
  ModuleLoad,
  standInSource,
  UNUSED_MODULES,
} from './unused-modules';

const FACTORY = 'file:///srv/panel/node_modules/typeorm/driver/DriverFactory.js';

function leftOut(load: ModuleLoad): string | undefined {
  return UNUSED_MODULES.find((entry) => entry.matches(load))?.what;
}

describe('UNUSED_MODULES', () => {
  it.each<[string, ModuleLoad, string | undefined]>([
    [
      'another database driver',
      { specifier: './postgres/PostgresDriver', parentUrl: FACTORY },
      "TypeORM's drivers for other databases",
    ],
    [
      'another driver with a dash',
      { specifier: './aurora-mysql/AuroraMysqlDriver', parentUrl: FACTORY },
      "TypeORM's drivers for other databases",
    ],
    [
      "the panel's own driver",
      { specifier: './better-sqlite3/BetterSqlite3Driver', parentUrl: FACTORY },
      undefined,
    ],
    [
      'what the factory needs besides drivers',
      { specifier: '../error/MissingDriverError', parentUrl: FACTORY },
      undefined,
    ],
    [
      'a driver asked for by anyone else',
      {
        specifier: './postgres/PostgresDriver',
        parentUrl: 'file:///srv/panel/node_modules/typeorm/driver/aurora-postgres/AuroraPostgresDriver.js',
      },
      undefined,
    ],
    [
      'the phone number metadata',
      {
        specifier: 'libphonenumber-js/max',
        parentUrl: 'file:///x/class-validator/cjs/decorator/string/IsPhoneNumber.js',
      },
      "libphonenumber-js's metadata",
    ],
    ['the rest of libphonenumber-js', { specifier: 'libphonenumber-js', parentUrl: undefined }, undefined],
    [
      'an ordinary module',
      { specifier: 'typeorm', parentUrl: 'file:///srv/panel/dist/src/app.module.js' },
      undefined,
    ],
  ])('%s', (_name, load, expected) => {
    expect(leftOut(load)).toBe(expected);
  });
});

describe('standInSource', () => {
  const standIn = () => {
    const sandbox = { module: { exports: {} as Record<string | symbol, unknown> } };
    vm.runInNewContext(
      standInSource('./postgres/PostgresDriver', "TypeORM's drivers for other databases"),
      sandbox,
    );
    return sandbox.module.exports;
  };

  it('throws a clear error from any export, called or constructed', () => {
    const exports = standIn();
    const PostgresDriver = exports.PostgresDriver as new () => unknown;
    expect(() => new PostgresDriver()).toThrow(
      "snapshot-panel leaves TypeORM's drivers for other databases out (./postgres/PostgresDriver)",
    );
    expect(() => (exports.parsePhoneNumber as () => unknown)()).toThrow('see src/unused-modules.ts');
  });

  it('is neither an ES module namespace nor a promise', () => {
    const exports = standIn();
    expect(exports.__esModule).toBeUndefined();
    expect(exports.then).toBeUndefined();
    expect(exports[Symbol.iterator]).toBeUndefined();
  });
});

describe('the narrower face of node:http for ES modules', () => {
  const ESM = ['node', 'import', 'module-sync'];
  const CJS = ['node', 'require', 'module-sync'];
  it.each<[string, readonly string[] | undefined, string | undefined]>([
    ['node:http', ESM, 'node:http'],
    ['http', ESM, 'node:http'],
    ['http', CJS, undefined],
    ['node:https', ESM, undefined],
    ['./http', ESM, undefined],
    ['http', undefined, undefined],
  ])('%s with conditions %j → %s', (specifier, conditions, face) => {
    expect(builtinFaceFor(specifier, conditions)).toBe(face);
  });

  it('exports everything of http by name but the three that load fetch, and http itself as default', () => {
    const source = builtinFaceSource('node:http');
    expect(source).toContain('export default builtin;');
    for (const name of ['createServer', 'request', 'get', 'Agent', 'STATUS_CODES', 'METHODS', 'globalAgent'])
      expect(source).toContain(`export const ${name} = builtin.${name};`);
    for (const name of ['WebSocket', 'CloseEvent', 'MessageEvent']) expect(source).not.toContain(name);
  });
});
