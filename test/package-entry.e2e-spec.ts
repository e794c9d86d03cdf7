// The plugin as another app gets it: `require('snapshot-panel/plugin')` from a folder where the package is
// installed (here linked), through package.json's `exports`, with its types. Needs `npm run build` first.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { hetznerSnapshotsEntities } from '../src/hetzner-snapshots/hetzner-snapshots.entities';

const REPO = path.resolve(__dirname, '..');

describe('the package entry points (e2e)', () => {
  let app: string;
  beforeAll(() => {
    if (!fs.existsSync(path.join(REPO, 'dist', 'src', 'hetzner-snapshots', 'index.js')))
      throw new Error('dist/ is missing: run `npm run build` first (`npm test` does).');
    app = fs.mkdtempSync(path.join(os.tmpdir(), 'snapshot-panel-host-'));
    fs.mkdirSync(path.join(app, 'node_modules'));
    fs.symlinkSync(REPO, path.join(app, 'node_modules', 'snapshot-panel'), 'dir');
  });
  afterAll(() => fs.rmSync(app, { recursive: true, force: true }));

  const node = (script: string) =>
    execFileSync(process.execPath, ['-e', script], { cwd: app, encoding: 'utf8' }).trim();

  it("resolves require('snapshot-panel/plugin') to the built plugin, with the module and its contract", () => {
    const out = JSON.parse(
      node(`
        const plugin = require('snapshot-panel/plugin');
        console.log(JSON.stringify({
          file: require.resolve('snapshot-panel/plugin'),
          root: require.resolve('snapshot-panel'),
          version: require('snapshot-panel/package.json').version,
          module: typeof plugin.HetznerSnapshotsModule.forRoot + typeof plugin.HetznerSnapshotsModule.forRootAsync,
          readiness: typeof plugin.HetznerSnapshotsReadiness,
          entities: plugin.hetznerSnapshotsEntities.length,
          migrations: plugin.hetznerSnapshotsMigrations.length,
          views: require('node:fs').existsSync(plugin.HETZNER_SNAPSHOTS_VIEWS_DIR + '/partials/hs-field.hbs'),
        }));
      `),
    ) as Record<string, unknown>;
    expect(fs.realpathSync(out.file as string)).toBe(path.join(REPO, 'dist/src/hetzner-snapshots/index.js'));
    expect(out.root).toBe(out.file);
    expect(out).toMatchObject({
      module: 'functionfunction',
      readiness: 'function',
      entities: hetznerSnapshotsEntities.length,
      migrations: expect.any(Number),
      views: true,
    });
  });

  it('points every path of the exports map at a file the build produced, and keeps the bin', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as {
      bin: Record<string, string>;
      exports: Record<string, string | Record<string, string>>;
    };
    const targets = Object.values(manifest.exports).flatMap((t) =>
      typeof t === 'string' ? [t] : Object.values(t),
    );
    for (const target of [...targets, ...Object.values(manifest.bin)])
      expect(fs.existsSync(path.join(REPO, target))).toBe(true);
    expect(manifest.exports['./plugin']).toEqual({
      types: './dist/src/hetzner-snapshots/index.d.ts',
      default: './dist/src/hetzner-snapshots/index.js',
    });
  });

  it('keeps the rest of the package private: a deep import is refused', () => {
    expect(() => node(`require('snapshot-panel/dist/src/runtime.js')`)).toThrow(
      /ERR_PACKAGE_PATH_NOT_EXPORTED/,
    );
  });
});
