// `snapshot-panel snapshot list|create|delete|protect|unprotect` against the fake Hetzner API: output,
// exit statuses (0 only on success, 1 when the operation failed, 2 when used wrongly), and the panel's
// cached list marked stale by a change made from the command line.
import { Readable, Writable } from 'node:stream';
import { runCli } from '../src/cli/cli';
import type { CliIo } from '../src/cli/cli-io';
import { FakeHcloud, FakeServerRecord } from '../src/fake-hcloud';
import { makeDataDir } from './support/panel-harness';
import { imageListings, PANEL_LABELS, startSnapshotsWorld, TOKEN } from './support/snapshots-fixture';
import * as fs from 'node:fs';

/** Snapshots this panel made by hand: the ones the CLI may delete and unprotect. */
const MANUAL_LABELS = { 'managed-by': 'snapshot-panel', 'snapshot-panel/kind': 'manual' };

const transcripts: string[] = [];

async function cli(env: Record<string, string>, ...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const sink = (into: string[]) =>
    new Writable({ write: (chunk, _enc, cb) => (into.push(String(chunk)), cb()) });
  const io: CliIo = { stdin: Readable.from([]), stdout: sink(out), stderr: sink(err), env };
  const code = await runCli(argv, io);
  transcripts.push(out.join(''), err.join(''));
  return { code, out: out.join(''), err: err.join('') };
}

describe('snapshot commands (e2e)', () => {
  let fake: FakeHcloud;
  let server: FakeServerRecord;
  let dataDir: string;
  let env: Record<string, string>;

  beforeEach(async () => {
    fake = await FakeHcloud.start({ actionDurationMs: 300 });
    fake.addToken(TOKEN);
    server = fake.addServer({ name: 'web-1', priceMonthlyGross: '10.00' });
    fake.setMetadata({ serverId: server.id });
    dataDir = makeDataDir();
    env = {
      DATA_DIR: dataDir,
      HCLOUD_ENDPOINT: fake.apiEndpoint,
      HCLOUD_METADATA_ENDPOINT: fake.metadataEndpoint,
      HCLOUD_TOKEN: TOKEN,
      TZ: 'Europe/Berlin',
    };
  });
  afterEach(async () => {
    await fake.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
  afterAll(() => {
    expect(transcripts.join('\n')).not.toContain(TOKEN);
  });

  it('lists this server’s snapshots as a table, control characters from elsewhere made harmless', async () => {
    const other = fake.addServer({ name: 'db-1' });
    const auto = fake.addImage({
      serverId: server.id,
      description: 'nightly',
      labels: { ...PANEL_LABELS, 'snapshot-panel/kind': 'auto' },
      imageSize: 2.5,
    });
    const odd = fake.addImage({ serverId: server.id, description: 'evil\u001b[2Jtitle', protected: true });
    fake.addImage({ serverId: other.id, description: 'not mine' });
    const res = await cli(env, 'snapshot', 'list');
    expect(res.code).toBe(0);
    expect(res.out).toMatch(/^2 snapshots of server web-1, [\d.]+ GB, about €[\d.]+ \/ month \(listed /);
    expect(res.out).toMatch(/ID\s+CREATED\s+SIZE\s+STATUS\s+MADE BY\s+PROTECTED\s+RETENTION\s+DESCRIPTION/);
    expect(res.out).toMatch(
      new RegExp(
        `${auto.id}\\s+.*2.5 GB\\s+available\\s+automatic\\s+no\\s+kept: among the newest 3\\s+nightly`,
      ),
    );
    expect(res.out).toMatch(
      new RegExp(
        `${odd.id}\\s+.*made elsewhere\\s+yes\\s+never removed by retention\\s+evil\uFFFD\\[2Jtitle`,
      ),
    );
    expect(res.out).not.toContain('\u001b');
    expect(res.out).not.toContain('not mine');
  });

  it("Hetzner's own words in an error reach the terminal without their control characters", async () => {
    fake.failNext({
      method: 'POST',
      path: `/v1/servers/${server.id}/actions/create_image`,
      status: 422,
      code: 'invalid_input',
      message: 'refused \u001b]0;pwned\u0007\u001b[2J\rOK',
      times: 3,
    });
    const res = await cli(env, 'snapshot', 'create', '--description', 'before the upgrade');
    expect(res.code).toBe(1);
    expect(res.err).toContain('refused \uFFFD]0;pwned\uFFFD\uFFFD[2J\uFFFDOK');
    for (const control of ['\u001b', '\u0007', '\r']) expect(res.err + res.out).not.toContain(control);
  });

  it('lists as JSON', async () => {
    const image = fake.addImage({
      serverId: server.id,
      description: '<b>x</b>',
      labels: { ...PANEL_LABELS, 'snapshot-panel/kind': 'manual' },
      imageSize: 1.25,
    });
    const res = await cli(env, 'snapshot', 'list', '--json');
    expect(res.code).toBe(0);
    const parsed = JSON.parse(res.out);
    expect(parsed).toMatchObject({ server_id: server.id, stale: false, error: null });
    expect(parsed.snapshots).toEqual([
      expect.objectContaining({
        id: image.id,
        description: '<b>x</b>',
        status: 'available',
        size_gb: 1.25,
        made_by: 'manual',
        protected: false,
        retention: 'never removed by retention',
      }),
    ]);
  });

  it('says so (exit 1) when the list cannot be fetched', async () => {
    fake.failNext({
      method: 'GET',
      path: '/v1/images',
      status: 401,
      code: 'unauthorized',
      message: 'unable to authenticate',
    });
    const res = await cli(env, 'snapshot', 'list');
    expect(res.code).toBe(1);
    expect(res.err).toContain('The API token was rejected');
    expect(res.out).toBe('');
  });

  it('creates a snapshot, waits until it is available and prints its id', async () => {
    const res = await cli(env, 'snapshot', 'create', '--description', 'from the CLI');
    expect(res.err).toContain('started; waiting until Hetzner has finished it');
    expect(res.code).toBe(0);
    const id = Number(res.out.trim());
    const image = fake.images().find((i) => i.id === id)!;
    expect(image).toMatchObject({
      status: 'available',
      description: 'from the CLI',
      labels: { 'managed-by': 'snapshot-panel', 'snapshot-panel/kind': 'manual' },
    });
    // It followed the action by polling it, not by listing images.
    expect(fake.requests.filter((r) => r.path.startsWith('/v1/actions/')).length).toBeGreaterThanOrEqual(1);
  });

  it('refuses a bad description with exit 2 and sends nothing', async () => {
    const res = await cli(env, 'snapshot', 'create', '--description', 'x'.repeat(101));
    expect(res.code).toBe(2);
    expect(res.err).toContain('--description: Use at most 100 characters.');
    expect(fake.requests.filter((r) => r.method === 'POST')).toEqual([]);
  });

  it('fails with exit 1 and the reason when the server is locked or the snapshot fails', async () => {
    fake.failNext({
      method: 'POST',
      path: `/v1/servers/${server.id}/actions/create_image`,
      status: 423,
      code: 'locked',
      message: 'locked',
    });
    const locked = await cli(env, 'snapshot', 'create');
    expect(locked.code).toBe(1);
    expect(locked.err).toContain('already in progress on this server');
    expect(locked.out).toBe('');

    fake.failActionsNext(1, { code: 'image_failed', message: 'disk read error' });
    const failed = await cli(env, 'snapshot', 'create', '--description', 'doomed');
    expect(failed.code).toBe(1);
    expect(failed.err).toContain('disk read error');
    expect(failed.out).toBe('');
  });

  it('deletes, refusing protected and other servers’ snapshots', async () => {
    const other = fake.addServer({ name: 'db-1' });
    const plain = fake.addImage({ serverId: server.id, description: 'old', labels: MANUAL_LABELS });
    const golden = fake.addImage({
      serverId: server.id,
      description: 'golden',
      protected: true,
      labels: MANUAL_LABELS,
    });
    const foreign = fake.addImage({ serverId: other.id });

    const refused = await cli(env, 'snapshot', 'delete', String(golden.id));
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('is protected against deletion. Remove its protection first');

    const madeInConsole = fake.addImage({ serverId: server.id, description: 'made in the console' });
    const elsewhere = await cli(env, 'snapshot', 'delete', String(madeInConsole.id));
    expect(elsewhere.code).toBe(1);
    expect(elsewhere.err).toContain('was made elsewhere');

    const notMine = await cli(env, 'snapshot', 'delete', String(foreign.id));
    expect(notMine.code).toBe(1);
    expect(notMine.err).toContain(`There is no snapshot ${foreign.id} of this server.`);

    expect((await cli(env, 'snapshot', 'delete', 'abc')).code).toBe(2);
    expect((await cli(env, 'snapshot', 'delete')).code).toBe(2);
    expect(fake.requests.filter((r) => r.method === 'DELETE')).toEqual([]);

    const ok = await cli(env, 'snapshot', 'delete', String(plain.id));
    expect(ok.code).toBe(0);
    expect(ok.out).toContain(`Deleted snapshot ${plain.id} (old).`);
    expect(fake.images().map((i) => i.id)).not.toContain(plain.id);
  });

  it('protects and unprotects', async () => {
    const image = fake.addImage({ serverId: server.id, labels: MANUAL_LABELS });
    const on = await cli(env, 'snapshot', 'protect', String(image.id));
    expect(on).toMatchObject({ code: 0, out: `Snapshot ${image.id} is now protected.\n` });
    expect(fake.images().find((i) => i.id === image.id)!.protection.delete).toBe(true);
    expect((await cli(env, 'snapshot', 'protect', String(image.id))).out).toContain('was already protected');
    const off = await cli(env, 'snapshot', 'unprotect', String(image.id));
    expect(off.code).toBe(0);
    expect(fake.images().find((i) => i.id === image.id)!.protection.delete).toBe(false);
  });

  it('without a token, fails with the way forward', async () => {
    const { HCLOUD_TOKEN: _omit, ...noToken } = env;
    const res = await cli(noToken, 'snapshot', 'list');
    expect(res.code).toBe(1);
    expect(res.err).toContain('No Hetzner Cloud API token is set yet');
  });

  it('a change from the command line makes the running panel fetch its list again', async () => {
    // A panel of its own (with its own fake), sharing its data folder with the command.
    const w = await startSnapshotsWorld();
    try {
      const image = w.fake.addImage({
        serverId: w.server.id,
        description: 'to delete',
        labels: MANUAL_LABELS,
      });
      await w.agent.get('/snapshots');
      const before = imageListings(w.fake).length;
      const cliEnv = {
        DATA_DIR: w.panel.dataDir,
        HCLOUD_ENDPOINT: w.fake.apiEndpoint,
        HCLOUD_METADATA_ENDPOINT: w.fake.metadataEndpoint,
        TZ: 'Europe/Berlin',
      };
      const res = await cli(cliEnv, 'snapshot', 'delete', String(image.id));
      expect(res.code).toBe(0);
      // No time has passed for the panel, yet its cached list was marked stale by the CLI.
      const page = await w.agent.get('/snapshots');
      expect(imageListings(w.fake).length).toBeGreaterThan(before);
      expect(page.text).not.toContain(`id="snapshot-${image.id}"`);
    } finally {
      await w.close();
    }
  });
});
