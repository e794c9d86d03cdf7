import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PassThrough, Readable, Writable } from 'node:stream';
import { runCli } from '../src/cli/cli';
import { loadConfig } from '../src/config/app-config';
import { FakeHcloud, FakeServerRecord } from '../src/fake-hcloud';
import { DoctorCheck } from '../src/hetzner-snapshots/doctor/doctor.checks';
import { DoctorService } from '../src/hetzner-snapshots/doctor/doctor.service';
import { PanelSettings } from '../src/hetzner-snapshots/settings/panel-settings.entity';
import { encryptToken } from '../src/hetzner-snapshots/connection/token.vault';
import { WRITE_PROBE } from '../src/hetzner-snapshots/hcloud/token-check';
import { prepareRuntime } from '../src/runtime';
import { makeDataDir, startPanel } from './support/panel-harness';

const TOKEN = 'doctor-test-token-0123456789abcdef';
const READ_ONLY_TOKEN = 'doctor-readonly-token-0123456789ab';
const HOUR_MS = 3_600_000;
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

async function doctor(
  env: Record<string, string>,
  args: string[] = [],
): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const sink = (append: (s: string) => void) =>
    new Writable({
      write(chunk: Buffer, _enc, done) {
        append(chunk.toString());
        done();
      },
    });
  const stdin = Readable.from([]) as unknown as PassThrough;
  const code = await runCli(['doctor', ...args], {
    stdin,
    stdout: sink((s) => (out += s)),
    stderr: sink((s) => (err += s)),
    env: { TZ: 'UTC', ...env },
  });
  return { code, out, err };
}

/** Check lines only: "LEVEL  name  message → hint". */
const lineOf = (out: string, name: string) =>
  out.split('\n').find((l) => new RegExp(`^(OK|WARN|FAIL) +${name} `).test(l)) ?? '';

describe('snapshot-panel doctor (e2e, against the fake Hetzner API)', () => {
  let fake: FakeHcloud;
  let server: FakeServerRecord;
  let dataDir: string;
  let env: Record<string, string>;

  beforeEach(async () => {
    fake = await FakeHcloud.start();
    fake.addToken(TOKEN);
    fake.addToken(READ_ONLY_TOKEN, { mode: 'read_only' });
    server = fake.addServer({ name: 'web-1' });
    fake.setMetadata({ serverId: server.id });
    dataDir = makeDataDir();
    env = {
      DATA_DIR: dataDir,
      HCLOUD_ENDPOINT: fake.apiEndpoint,
      HCLOUD_METADATA_ENDPOINT: fake.metadataEndpoint,
      HCLOUD_TOKEN: TOKEN,
    };
  });
  afterEach(async () => {
    await fake.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  /** A healthy install: schedule on, an automatic snapshot an hour old, a manual one. */
  async function healthyInstall() {
    const rt = await prepareRuntime(loadConfig({ ...env, TZ: 'UTC' }), { role: 'cli' });
    await rt.dataSource
      .getRepository(PanelSettings)
      .update(
        { id: 1 },
        { scheduleEnabled: true, frequency: '6h', updatedAt: new Date(Date.now() - 48 * HOUR_MS) },
      );
    await rt.dataSource.destroy();
    fake.addImage({
      serverId: server.id,
      labels: { 'managed-by': 'snapshot-panel', 'snapshot-panel/kind': 'auto' },
      created: new Date(fake.now().getTime() - HOUR_MS),
      imageSize: 2.5,
    });
    fake.addImage({ serverId: server.id, description: 'by hand', imageSize: 1.5 });
  }

  it('reports every check, one line each, and exits 0 when nothing fails', async () => {
    await healthyInstall();
    const { code, out, err } = await doctor(env);
    expect(err).toBe('');
    const lines = out.trim().split('\n');
    expect(lines.slice(0, CHECK_NAMES.length).map((l) => l.split(/ +/)[1])).toEqual(CHECK_NAMES);
    expect(lines.slice(0, CHECK_NAMES.length).every((l) => l.startsWith('OK  '))).toBe(true);
    expect(lineOf(out, 'server')).toContain(`this is server ${server.id} ("web-1")`);
    expect(lineOf(out, 'token')).toContain('(from HCLOUD_TOKEN) is valid, Read & Write');
    expect(lineOf(out, 'clock')).toMatch(/within 5 s of Hetzner's/);
    expect(lineOf(out, 'data-dir')).toContain(`DATA_DIR ${dataDir} has mode 0700`);
    expect(lineOf(out, 'key-file')).toContain('has mode 0600');
    expect(lineOf(out, 'schedule')).toMatch(/every 6 hours; next run \d{4}-\d\d-\d\d \d\d:\d\d \(UTC\)/);
    expect(lineOf(out, 'last-snapshot')).toContain('The newest automatic snapshot is 1 hour old');
    expect(lineOf(out, 'rate-limit')).toMatch(/\d+ of 3600 API requests left/);
    expect(lineOf(out, 'snapshots')).toMatch(
      /2 snapshots of this server \(1 automatic\), 4\.0 GB, about \d+\.\d\d EUR a month incl\. VAT\./,
    );
    expect(lines.at(-1)).toBe(`${CHECK_NAMES.length} OK, 0 WARN, 0 FAIL`);
    expect(code).toBe(0);
    expect(out).not.toContain(TOKEN);
    // Doctor looks and changes nothing: its only non-GET is the token check's harmless write probe.
    expect(fake.requests.filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.path}`)).toEqual([
      `PUT /v1${WRITE_PROBE.path}`,
    ]);
  });

  it('--json prints the same checks for scripts', async () => {
    await healthyInstall();
    const { code, out } = await doctor(env, ['--json']);
    const parsed = JSON.parse(out) as { ok: boolean; checks: DoctorCheck[] };
    expect(parsed.ok).toBe(true);
    expect(parsed.checks.map((c) => c.name)).toEqual(CHECK_NAMES);
    expect(parsed.checks[0]).toEqual({
      name: 'server',
      level: 'OK',
      message: expect.any(String),
      hint: null,
    });
    expect(code).toBe(0);
  });

  it('a read-only token is a FAIL with what to do, and the exit status is 1', async () => {
    const { code, out } = await doctor({ ...env, HCLOUD_TOKEN: READ_ONLY_TOKEN }, ['--json']);
    const token = (JSON.parse(out) as { checks: DoctorCheck[] }).checks.find((c) => c.name === 'token')!;
    expect(token).toMatchObject({
      level: 'FAIL',
      message: expect.stringContaining('read-only'),
      hint: expect.stringContaining('Read & Write'),
    });
    expect(code).toBe(1);
    expect(out).not.toContain(READ_ONLY_TOKEN);
  });

  it('off Hetzner without HCLOUD_SERVER_ID the server check fails and says what to set', async () => {
    fake.setMetadata(null);
    const { code, out } = await doctor(env);
    expect(lineOf(out, 'server')).toMatch(
      /^FAIL +server +The server id is unknown: not running on a Hetzner Cloud server.* → .*set HCLOUD_SERVER_ID/,
    );
    expect(lineOf(out, 'token')).toMatch(/^WARN .*not checked: the server id is unknown/);
    expect(code).toBe(1);

    const withId = await doctor({ ...env, HCLOUD_SERVER_ID: String(server.id) });
    expect(lineOf(withId.out, 'server')).toMatch(/^OK +server +Server id \d+, from HCLOUD_SERVER_ID/);
  });

  it('no token: the token check fails, and the checks that need Hetzner say they were skipped', async () => {
    const { code, out } = await doctor({ ...env, HCLOUD_TOKEN: '' });
    expect(lineOf(out, 'token')).toMatch(/^FAIL +token +No Hetzner Cloud API token is set\. → .*Settings/);
    expect(lineOf(out, 'clock')).toMatch(/^WARN +clock +Not checked: no API token/);
    expect(lineOf(out, 'snapshots')).toMatch(/^WARN/);
    expect(code).toBe(1);
    expect(fake.requests.filter((r) => r.path.startsWith('/v1/'))).toEqual([]);
  });

  it('file permissions: a key file others can read fails, an open DATA_DIR warns', async () => {
    await doctor(env); // creates DATA_DIR, the key file and the database
    fs.chmodSync(dataDir, 0o755);
    fs.chmodSync(path.join(dataDir, 'secret.key'), 0o644);
    const { code, out } = await doctor(env);
    expect(lineOf(out, 'data-dir')).toMatch(
      /^WARN .*mode 0755: other users on this server can look inside it .* → chmod 700 /,
    );
    expect(lineOf(out, 'key-file')).toMatch(
      /^FAIL .*mode 0644: other users on this server can read it \(expected 0600\)\. → chmod 600 .*secret\.key$/,
    );
    expect(code).toBe(1);

    const withSecretKey = await doctor({ ...env, SECRET_KEY: 'x'.repeat(40) });
    expect(lineOf(withSecretKey.out, 'key-file')).toMatch(/^OK .*SECRET_KEY/);
  });

  it('a stored token that the key no longer decrypts (SECRET_KEY changed) fails the token check instead of crashing', async () => {
    const rt = await prepareRuntime(loadConfig({ ...env, TZ: 'UTC' }), { role: 'cli' });
    const stored = encryptToken(TOKEN, crypto.randomBytes(32)); // encrypted with a key this install does not have
    await rt.dataSource
      .getRepository(PanelSettings)
      .update({ id: 1 }, { tokenEncrypted: stored, tokenLast4: 'cdef' });
    await rt.dataSource.destroy();
    const { code, out } = await doctor({ ...env, HCLOUD_TOKEN: '' });
    expect(lineOf(out, 'token')).toMatch(
      /^FAIL +token +The stored API token cannot be decrypted .* → Restore the old key file/,
    );
    expect(code).toBe(1);
  });

  it('an almost spent rate-limit budget warns', async () => {
    await healthyInstall();
    fake.setRateLimit(1, 100);
    const { out } = await doctor(env);
    expect(lineOf(out, 'rate-limit')).toMatch(/^WARN +rate-limit +\d+ of 3600 API requests left/);
  });

  it("a clock minutes away from Hetzner's Date header fails (checked through the service with a skewed clock)", async () => {
    const skewMs = 10 * 60_000;
    const panel = await startPanel({
      env: {
        HCLOUD_ENDPOINT: fake.apiEndpoint,
        HCLOUD_METADATA_ENDPOINT: fake.metadataEndpoint,
        HCLOUD_TOKEN: TOKEN,
      },
      clock: { now: () => new Date(Date.now() + skewMs), sleep: async () => undefined },
      role: 'cli',
    });
    try {
      const checks = await panel.get<DoctorService>(DoctorService).run();
      expect(checks.find((c) => c.name === 'clock')).toMatchObject({
        level: 'FAIL',
        message: expect.stringContaining('10 minutes ahead of Hetzner'),
        hint: expect.stringContaining('timedatectl'),
      });
    } finally {
      await panel.close();
    }
  });
});
