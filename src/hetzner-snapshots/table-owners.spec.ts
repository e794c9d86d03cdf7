// One owner per table (STYLE.md habit 11): only the store of a table names its entity in an injection or a
// repository lookup, and nobody writes SQL against it. A new reader must ask the store instead.
import * as fs from 'node:fs';
import * as path from 'node:path';

const SRC = path.resolve(__dirname, '..');

const OWNERS: { entity: string; table: string; owner: string; entityFile: string }[] = [
  {
    entity: 'PanelSettings',
    table: 'panel_settings',
    owner: 'hetzner-snapshots/settings/panel-settings.store.ts',
    entityFile: 'hetzner-snapshots/settings/panel-settings.entity.ts',
  },
  {
    entity: 'SnapshotListCache',
    table: 'snapshot_list_cache',
    owner: 'hetzner-snapshots/snapshot-list/snapshot-list.store.ts',
    entityFile: 'hetzner-snapshots/snapshot-list/snapshot-list-cache.entity.ts',
  },
];

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return sources(full);
    // Tests and their support files (*.testing.ts) wire the stores by hand; they read nothing past them.
    return e.name.endsWith('.ts') && !/\.(spec|testing)\.ts$/.test(e.name) ? [full] : [];
  });
}

describe('table owners', () => {
  const files = sources(SRC).map((f) => ({
    rel: path.relative(SRC, f).split(path.sep).join('/'),
    text: fs.readFileSync(f, 'utf8'),
  }));

  it.each(OWNERS)('only its store touches $table', ({ entity, table, owner, entityFile }) => {
    const access = new RegExp(
      `InjectRepository\\(\\s*${entity}\\s*\\)|getRepository\\(\\s*${entity}\\s*\\)|Repository<${entity}>|["'\`]${table}["'\`]|"${table}"`,
    );
    const offenders = files
      .filter((f) => f.rel !== owner && f.rel !== entityFile && access.test(f.text))
      .map((f) => f.rel);
    expect(offenders).toEqual([]);
    expect(access.test(files.find((f) => f.rel === owner)?.text ?? '')).toBe(true);
  });
});
