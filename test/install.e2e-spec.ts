// The package as a user gets it: `npm pack`, installed with npm into a temporary prefix, and its
// `snapshot-panel` command run the way docs/INSTALL.md says (without systemd): the env file sourced by a
// shell, `doctor` against the fake Hetzner API, `serve` answering /healthz. Needs `npm run build` first,
// which `npm test` does. The unit file is checked with `systemd-analyze verify` where that exists.
import { ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { FakeHcloud } from '../src/fake-hcloud';

const run = promisify(execFile);
const REPO = path.resolve(__dirname, '..');
const TOKEN = 'install-test-token-0123456789abcdef';
const READ_ONLY_TOKEN = 'install-readonly-token-0123456789a';
const CHECK_NAMES = [
  'server',
  'token',
  'clock',
  'data-dir',
  'key-file',
  'database',
  'schedule',
  'retention',
  'last-snapshot',
  'drill-servers',
  'volumes',
  'rate-limit',
  'snapshots',
  // The notification channels (none here), then the host's own check, appended by the doctor command.
  'notifications',
  'sign-in-locks',
];

/** The environment without what `npm test` adds (npm_config_*, npm_lifecycle_*): the child npm must behave as typed by hand. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^npm_/i.test(k)) env[k] = v;
  env.PATH = `${path.dirname(process.execPath)}${path.delimiter}${env.PATH ?? ''}`;
  return { ...env, ...extra };
}

function hasCommand(name: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('the packed package, installed and run as docs/INSTALL.md says (e2e)', () => {
  let tmp: string;
  let prefix: string;
  let installed: string;
  let bin: string;
  let fake: FakeHcloud;
  let packedFiles: string[];

  beforeAll(async () => {
    if (!fs.existsSync(path.join(REPO, 'dist', 'cli.js')))
      throw new Error('dist/cli.js is missing: run `npm run build` first (`npm test` does).');
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'snapshot-panel-install-'));
    prefix = path.join(tmp, 'prefix');

    const packed = await run('npm', ['pack', '--json', '--pack-destination', tmp], {
      cwd: REPO,
      env: cleanEnv(),
    });
    const [info] = JSON.parse(packed.stdout) as { filename: string; files: { path: string }[] }[];
    packedFiles = info.files.map((f) => f.path);
    const tarball = path.join(tmp, info.filename);

    installed = path.join(prefix, 'lib', 'node_modules', 'snapshot-panel');
    bin = path.join(prefix, 'bin', 'snapshot-panel');
    try {
      // Dependencies come from the npm cache that `npm install` filled. Install scripts are skipped: the only one,
      // better-sqlite3's, would download a prebuilt binary or compile SQLite for a minute; the compiled
      // binding of the repository (same package version, same Node) is copied in instead, below.
      await run(
        'npm',
        [
          'install',
          '-g',
          '--prefix',
          prefix,
          '--offline',
          '--no-audit',
          '--no-fund',
          '--ignore-scripts',
          tarball,
        ],
        { cwd: tmp, env: cleanEnv(), timeout: 150_000 },
      );
      const binding = path.join('node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');
      fs.mkdirSync(path.dirname(path.join(installed, binding)), { recursive: true });
      fs.copyFileSync(path.join(REPO, binding), path.join(installed, binding));
    } catch (err) {
      // Fallback when the cache cannot serve every dependency: the package's own files from the tarball,
      // with the repository's node_modules linked in. The package contents are still what is tested.
      console.log(
        `npm install --offline failed (${(err as Error).message.split('\n')[0]}); using the tarball with the repository's node_modules linked in`,
      );
      fs.rmSync(prefix, { recursive: true, force: true });
      fs.mkdirSync(installed, { recursive: true });
      execFileSync('tar', ['xzf', tarball, '-C', installed, '--strip-components=1']);
      fs.symlinkSync(path.join(REPO, 'node_modules'), path.join(installed, 'node_modules'));
      fs.mkdirSync(path.dirname(bin), { recursive: true });
      fs.symlinkSync(path.join(installed, 'dist', 'cli.js'), bin);
      fs.chmodSync(path.join(installed, 'dist', 'cli.js'), 0o755);
    }

    fake = await FakeHcloud.start();
    fake.addToken(TOKEN);
    fake.addToken(READ_ONLY_TOKEN, { mode: 'read_only' });
    const server = fake.addServer({ name: 'web-1' });
    fake.setMetadata({ serverId: server.id });
  }, 200_000);

  afterAll(async () => {
    await fake?.close();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  /** /etc/snapshot-panel/snapshot-panel.env as installed, with the lines a test machine needs added below it. */
  function envFile(name: string, overrides: Record<string, string>): string {
    const example = fs.readFileSync(path.join(installed, 'config', 'snapshot-panel.env.example'), 'utf8');
    const lines = Object.entries(overrides).map(([k, v]) => `${k}=${v}`);
    const file = path.join(tmp, `${name}.env`);
    fs.writeFileSync(file, `${example}\n# test machine\n${lines.join('\n')}\n`);
    return file;
  }

  const MONITOR_TOKEN = 'install-test-monitor-token-0123456789abcdef';
  const baseOverrides = () => ({
    DATA_DIR: path.join(tmp, 'data'),
    HCLOUD_ENDPOINT: fake.apiEndpoint,
    HCLOUD_METADATA_ENDPOINT: fake.metadataEndpoint,
    HCLOUD_TOKEN: TOKEN,
    TZ: 'UTC',
  });

  /** `set -a; . FILE; set +a; exec snapshot-panel ARGS`, as in docs/INSTALL.md, with the installed bin first on PATH. */
  function shellArgs(file: string, args: string): string[] {
    return ['-c', `set -a; . "$1"; set +a; exec snapshot-panel ${args}`, 'sh', file];
  }
  const shellEnv = () => cleanEnv({ PATH: `${path.dirname(bin)}${path.delimiter}${cleanEnv().PATH}` });

  it('ships what the installed panel needs', () => {
    for (const file of [
      'dist/cli.js',
      'dist/src/runtime.js',
      'views/layouts/main.hbs',
      'views/partials/field.hbs',
      'public/css/panel.css',
      'config/snapshot-panel.service',
      'config/snapshot-panel.env.example',
      'config/Caddyfile.example',
      'config/nginx.conf.example',
      'docs/INSTALL.md',
      'README.md',
      'package.json',
    ]) {
      expect(packedFiles).toContain(file);
    }
    expect(packedFiles.some((f) => f.startsWith('dist/migrations/'))).toBe(true);
    expect(packedFiles.filter((f) => /(^|\/)test\/|\.spec\.js$|^src\//.test(f))).toEqual([]);
    expect(fs.existsSync(bin)).toBe(true);
  });

  it('`snapshot-panel doctor` reports each check against the fake, and exits 1 on a failed check', async () => {
    const ok = await run('sh', shellArgs(envFile('doctor', baseOverrides()), 'doctor'), { env: shellEnv() });
    const lines = ok.stdout.trim().split('\n');
    expect(lines.slice(0, CHECK_NAMES.length).map((l) => /^(OK|WARN|FAIL) +(\S+) /.exec(l)?.[2])).toEqual(
      CHECK_NAMES,
    );
    // A fresh install: everything fine, except that automatic snapshots are not turned on yet.
    expect(lines.filter((l) => l.startsWith('WARN')).map((l) => l.split(/ +/)[1])).toEqual([
      'schedule',
      'last-snapshot',
    ]);
    expect(ok.stdout + ok.stderr).not.toContain(TOKEN);

    const readOnly = await run(
      'sh',
      shellArgs(envFile('doctor-ro', { ...baseOverrides(), HCLOUD_TOKEN: READ_ONLY_TOKEN }), 'doctor --json'),
      { env: shellEnv() },
    ).then(
      () => null,
      (err: { code: number; stdout: string }) => err,
    );
    expect(readOnly?.code).toBe(1);
    const checks = (JSON.parse(readOnly!.stdout) as { checks: { name: string; level: string }[] }).checks;
    expect(checks.find((c) => c.name === 'token')?.level).toBe('FAIL');
  });

  it('`snapshot-panel serve` starts, prints its address and answers GET /healthz; it stops on SIGTERM', async () => {
    const child: ChildProcess = spawn(
      'sh',
      shellArgs(envFile('serve', { ...baseOverrides(), PORT: '0', HEALTH_TOKEN: MONITOR_TOKEN }), 'serve'),
      { env: shellEnv(), stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout!.on('data', (c: Buffer) => {
          stdout += c.toString();
          const m = /Snapshot Panel is listening on (http:\/\/\S+)/.exec(stdout);
          if (m) resolve(m[1]);
        });
        child.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${stderr}`)));
      });
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const health = await fetch(`${url}/healthz`);
      expect(health.status).toBe(200);
      expect(((await health.json()) as { status: string }).status).toBe('ok');
      // Anyone learns the status; the reasons go to a monitor with HEALTH_TOKEN (or a signed-in admin).
      const anonymousReady = await fetch(`${url}/readyz`);
      expect(anonymousReady.status).toBe(503);
      expect(await anonymousReady.json()).toEqual({ status: 'not_ready' });
      const ready = await fetch(`${url}/readyz`, { headers: { Authorization: `Bearer ${MONITOR_TOKEN}` } });
      expect(ready.status).toBe(503);
      expect(((await ready.json()) as { reasons: string[] }).reasons).toContain(
        'automatic snapshots are turned off in Settings',
      );
      // One line per event with a level, for journald; the first start prints the setup code.
      expect(
        stdout
          .split('\n')
          .filter(Boolean)
          .every((l) => l.startsWith('level=')),
      ).toBe(true);
      expect(stderr).toMatch(/level=warn .*one-time setup code: [A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}/);
    } finally {
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      await exited;
    }
    expect(stdout + stderr).not.toContain(TOKEN);
  });

  it('the systemd unit passes `systemd-analyze verify` (where systemd-analyze exists)', async () => {
    if (!hasCommand('systemd-analyze')) {
      console.log('systemd-analyze is not installed here: the unit file was not verified');
      return;
    }
    // The installed copy, with ExecStart pointing at this test's bin (verify checks that the command exists).
    const unit = fs.readFileSync(path.join(installed, 'config', 'snapshot-panel.service'), 'utf8');
    expect(unit).toMatch(/^ExecStart=\/usr\/bin\/snapshot-panel serve$/m);
    const dir = path.join(tmp, 'unit');
    fs.mkdirSync(dir);
    const file = path.join(dir, 'snapshot-panel.service');
    fs.writeFileSync(file, unit.replace(/^ExecStart=\/usr\/bin\/snapshot-panel /m, `ExecStart=${bin} `));
    const verified = await run('systemd-analyze', ['verify', file]).then(
      (r) => ({ code: 0, stderr: r.stderr }),
      (err: { code: number; stderr: string }) => ({ code: err.code, stderr: err.stderr }),
    );
    expect(verified).toEqual({ code: 0, stderr: '' });
  });

  it('config/snapshot-panel.env.example names every variable the panel reads', () => {
    const source = fs.readFileSync(path.join(REPO, 'src', 'config', 'app-config.ts'), 'utf8');
    const body = source.slice(
      source.indexOf('class EnvironmentVariables'),
      source.indexOf('export interface AppConfig'),
    );
    const variables = [...body.matchAll(/^\s+([A-Z][A-Z0-9_]+)\??:/gm)].map((m) => m[1]);
    expect(variables.length).toBeGreaterThan(10);
    const example = fs.readFileSync(path.join(REPO, 'config', 'snapshot-panel.env.example'), 'utf8');
    const documented = new Set([...example.matchAll(/^#?([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]));
    expect(variables.filter((v) => !documented.has(v))).toEqual([]);
  });
});
