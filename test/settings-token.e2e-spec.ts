// The API token on the settings page and through `snapshot-panel token ...`: checked against the (fake)
// Hetzner API before anything is stored, stored encrypted, shown only masked, never printed anywhere.
import * as fs from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import * as net from 'node:net';
import * as path from 'node:path';
import { Readable, Writable } from 'node:stream';
import type TestAgent from 'supertest/lib/agent';
import { runCli } from '../src/cli/cli';
import type { CliIo } from '../src/cli/cli-io';
import type { Clock } from '../src/clock/clock';
import { FakeHcloud } from '../src/fake-hcloud';
import { WRITE_PROBE } from '../src/hetzner-snapshots/hcloud/token-check';
import { capturedLogLines, csrfFrom, PanelHarness, startPanel } from './support/panel-harness';
import { scheduleForm } from './support/settings-forms';

const RW = 'rwTokenAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAwxyz';
const RW2 = 'rwTokenBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB2222';
const RO = 'roTokenCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCrrrr';
const OTHER_PROJECT = 'otherProjectDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDoooo';
const UNKNOWN = 'unknownTokenEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEuuuu';
const ENV_TOKEN = 'envTokenFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFeeee';
const SECRETS = [RW, RW2, RO, OTHER_PROJECT, UNKNOWN, ENV_TOKEN];

/** Real time, but backoff waits end at once: an unreachable API is retried without the test waiting for it. */
const instantSleepClock: Clock = {
  now: () => new Date(),
  sleep: () => new Promise((resolve) => setImmediate(resolve)),
};

/** Everything any response of this file sent, and everything the CLI printed. */
const transcripts: string[] = [];

function recordResponses(panel: PanelHarness): void {
  // Prepended, so the recording is in place before Express writes anything.
  panel.app.getHttpServer().prependListener('request', (_req: IncomingMessage, res: ServerResponse) => {
    const write = res.write.bind(res) as (...a: unknown[]) => boolean;
    const end = res.end.bind(res) as (...a: unknown[]) => ServerResponse;
    const keep = (chunk: unknown) => {
      if (typeof chunk === 'string' || Buffer.isBuffer(chunk)) transcripts.push(chunk.toString());
    };
    res.write = ((...a: unknown[]) => (keep(a[0]), write(...a))) as typeof res.write;
    res.end = ((...a: unknown[]) => (typeof a[0] !== 'function' && keep(a[0]), end(...a))) as typeof res.end;
  });
}

async function start(env: Record<string, string>): Promise<PanelHarness> {
  const panel = await startPanel({ env, clock: instantSleepClock });
  recordResponses(panel);
  return panel;
}

function cli(env: Record<string, string>, stdin = '') {
  const out: string[] = [];
  const err: string[] = [];
  const sink = (into: string[]) =>
    new Writable({ write: (chunk, _enc, cb) => (into.push(String(chunk)), cb()) });
  const io: CliIo = { stdin: Readable.from(stdin ? [stdin] : []), stdout: sink(out), stderr: sink(err), env };
  return {
    run: async (...argv: string[]) => {
      const code = await runCli(argv, io);
      transcripts.push(out.join(''), err.join(''));
      return { code, out: out.join(''), err: err.join('') };
    },
  };
}

async function settingsRow(panel: PanelHarness): Promise<Record<string, unknown>> {
  const rows: Record<string, unknown>[] = await panel.rt.dataSource.query(
    'SELECT * FROM panel_settings WHERE id = 1',
  );
  return rows[0];
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** What was posted to the fake besides GETs: only the token check's harmless write probe may be there. */
function writesOtherThanProbe(fake: FakeHcloud): string[] {
  return fake.requests
    .filter((r) => r.method !== 'GET' && !(r.method === 'PUT' && r.path === `/v1${WRITE_PROBE.path}`))
    .map((r) => `${r.method} ${r.path}`);
}

async function postToken(agent: TestAgent, token: string) {
  const csrf = await csrfFrom(agent, '/settings');
  return agent.post('/settings/token').type('form').send({ _csrf: csrf, token });
}

describe('settings: the API token (e2e)', () => {
  let fake: FakeHcloud;
  let serverId: number;
  let panel: PanelHarness;
  let agent: TestAgent;
  let apiEnv: Record<string, string>;

  beforeAll(async () => {
    fake = await FakeHcloud.start();
    serverId = fake.addServer({ name: 'web-1' }).id;
    fake.setMetadata({ serverId });
    fake.addToken(RW, { mode: 'read_write' });
    fake.addToken(RW2, { mode: 'read_write' });
    fake.addToken(RO, { mode: 'read_only' });
    fake.addToken(OTHER_PROJECT, { mode: 'read_write', projectId: fake.addProject() });
    fake.addImages(3, {
      serverId,
      labels: { 'managed-by': 'snapshot-panel', 'snapshot-panel/kind': 'auto' },
      imageSize: 2.5,
    });
    apiEnv = { HCLOUD_ENDPOINT: fake.apiEndpoint, HCLOUD_METADATA_ENDPOINT: fake.metadataEndpoint };
    panel = await start(apiEnv);
    agent = await panel.signedIn();
  });

  afterAll(async () => {
    await panel?.close();
    await fake?.close();
    // The recording works: it holds the masked token the pages showed, and the log has lines.
    expect(transcripts.some((t) => t.includes('••••••••wxyz'))).toBe(true);
    expect(capturedLogLines.length).toBeGreaterThan(0);
    const everything = [...transcripts, ...capturedLogLines].join('\n');
    for (const secret of SECRETS) expect(everything.includes(secret)).toBe(false);
  });

  const cliEnv = () => ({ DATA_DIR: panel.dataDir, TZ: 'Europe/Berlin', ...apiEnv });

  it('without a token, says automatic snapshots are paused and offers a password field to paste one', async () => {
    const page = await agent.get('/settings');
    expect(page.status).toBe(200);
    expect(page.text).toContain('No API token is set, so automatic snapshots are paused');
    expect(page.text).toMatch(/<input id="f-token" name="token" type="password" value="" autocomplete="off"/);
    expect(page.text).toContain('<label for="f-token">API token</label>');
  });

  it.each([
    ['an unknown token', UNKNOWN, 'Hetzner does not know this token'],
    [
      'a read-only token',
      RO,
      'Create a Read &amp; Write token in the Hetzner Console under Security → API Tokens',
    ],
    [
      'a token of another project',
      OTHER_PROJECT,
      `This token belongs to another project: server ${0} (the one this panel runs on) is not in it`,
    ],
  ])('refuses %s with its own message and saves nothing', async (_case, token, message) => {
    const before = await settingsRow(panel);
    fake.clearRequests();
    const res = await postToken(agent, token);
    expect(res.status).toBe(422);
    expect(res.text).toContain(message.replace('server 0', `server ${serverId}`));
    expect(res.text).toContain('Nothing was saved.');
    expect(res.text).toMatch(/<input id="f-token" name="token" type="password" value=""/);
    expect(await settingsRow(panel)).toEqual(before);
    expect(writesOtherThanProbe(fake)).toEqual([]);
    expect(fake.requests.length).toBeGreaterThan(0);
  });

  it('refuses an empty or malformed paste without asking Hetzner', async () => {
    fake.clearRequests();
    for (const [token, message] of [
      ['', 'Paste the API token.'],
      ['two words', 'An API token is one word of letters and digits'],
      ['x'.repeat(600), 'longer than any Hetzner API token'],
    ]) {
      const res = await postToken(agent, token);
      expect(res.status).toBe(400);
      expect(res.text).toContain(message);
    }
    expect(fake.requests).toEqual([]);
  });

  it('refuses a post without the CSRF field and stores nothing', async () => {
    const before = await settingsRow(panel);
    const res = await agent.post('/settings/token').type('form').send({ token: RW });
    expect(res.status).toBe(403);
    expect(await settingsRow(panel)).toEqual(before);
  });

  it('saves a good token encrypted and shows only its mask, when it was saved and checked', async () => {
    const res = await postToken(agent, RW);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/settings#token');
    const page = await agent.get('/settings');
    expect(page.text).toContain('Token saved: The token works');
    expect(page.text).toContain('••••••••wxyz');
    expect(page.text).toContain('Read &amp; Write</span>');
    expect(page.text).toMatch(/<dt>Saved<\/dt><dd><time datetime="[^"]+">[^<]+<\/time>/);
    expect(page.text).toMatch(/<dt>Last checked<\/dt><dd><time datetime="[^"]+">/);
    expect(page.text).toContain('Check again');
    expect(page.text).toContain('Disconnect…');

    const row = await settingsRow(panel);
    expect(row.token_last4).toBe('wxyz');
    expect(row.token_check_result).toBe('read_write');
    expect(String(row.token_encrypted)).toMatch(/^v1:/);
    expect(String(row.token_encrypted)).not.toContain(RW);
  });

  it('keeps the token unreadable in the SQLite files at rest', async () => {
    await panel.rt.dataSource.query('PRAGMA wal_checkpoint(FULL)');
    const files = fs.readdirSync(panel.dataDir).filter((f) => f.startsWith('snapshot-panel.sqlite'));
    expect(files).toContain('snapshot-panel.sqlite');
    for (const file of files) {
      const bytes = fs.readFileSync(path.join(panel.dataDir, file));
      expect(bytes.includes(Buffer.from(RW))).toBe(false);
      expect(bytes.includes(Buffer.from(RW, 'utf16le'))).toBe(false);
      expect(bytes.includes(Buffer.from(RW.slice(0, 24)))).toBe(false);
    }
  });

  it('checks the stored token again on request and remembers when', async () => {
    const before = await settingsRow(panel);
    fake.clearRequests();
    const csrf = await csrfFrom(agent, '/settings');
    const res = await agent.post('/settings/token/check').type('form').send({ _csrf: csrf });
    expect(res.status).toBe(303);
    const page = await agent.get('/settings');
    expect(page.text).toContain('The token works: it can read and write, and it sees this server (web-1');
    expect(writesOtherThanProbe(fake)).toEqual([]);
    const after = await settingsRow(panel);
    expect(after.token_encrypted).toBe(before.token_encrypted);
    expect(after.token_checked_at).toBeTruthy();
  });

  it('replaces the token after the same checks and records it in the history by its last four characters', async () => {
    const refused = await postToken(agent, RO);
    expect(refused.status).toBe(422);
    expect((await settingsRow(panel)).token_last4).toBe('wxyz');

    const res = await postToken(agent, RW2);
    expect(res.status).toBe(303);
    const page = await agent.get('/settings');
    expect(page.text).toContain('Token replaced');
    expect(page.text).toContain('••••••••2222');
    expect(page.text).not.toContain('••••••••wxyz');
    expect(page.text).toContain('API token replaced');
    expect(page.text).toContain('API token: …wxyz → …2222');
    expect(page.text).toContain('API token saved');
  });

  it('disconnect asks first, then removes the token, pauses automatic snapshots and deletes no snapshot', async () => {
    let csrf = await csrfFrom(agent, '/settings');
    const enable = await agent
      .post('/settings/schedule')
      .type('form')
      .send({
        _csrf: csrf,
        intent: 'save',
        ...scheduleForm({ enabled: 'true' }),
      });
    expect(enable.status).toBe(303);
    expect((await settingsRow(panel)).schedule_enabled).toBe(1);

    const confirm = await agent.get('/settings/token/disconnect');
    expect(confirm.status).toBe(200);
    expect(confirm.text).toContain('Automatic snapshots are paused');
    expect(confirm.text).toContain('No snapshot is deleted.');
    expect(confirm.text).toContain('••••••••2222');

    const imagesBefore = fake.images();
    fake.clearRequests();
    csrf = /name="_csrf" value="([^"]+)"/.exec(confirm.text)![1];
    const res = await agent.post('/settings/token/disconnect').type('form').send({ _csrf: csrf });
    expect(res.status).toBe(303);
    expect(fake.requests).toEqual([]);
    expect(fake.images()).toEqual(imagesBefore);

    const row = await settingsRow(panel);
    expect(row.token_encrypted).toBeNull();
    expect(row.token_last4).toBeNull();
    expect(row.schedule_enabled).toBe(0);

    const page = await agent.get('/settings');
    expect(page.text).toContain(
      'Disconnected: the API token is removed. Automatic snapshots are paused. No snapshot was deleted',
    );
    expect(page.text).toContain(
      'No API token is set, so automatic snapshots are paused. Your existing snapshots at Hetzner are untouched.',
    );
    expect(page.text).toContain('API token removed, automatic snapshots paused');
    expect(page.text).toContain('Automatic snapshots: on → off');
  });

  it('refuses to turn automatic snapshots on while no token is set', async () => {
    const csrf = await csrfFrom(agent, '/settings');
    const res = await agent
      .post('/settings/schedule')
      .type('form')
      .send({
        _csrf: csrf,
        intent: 'save',
        ...scheduleForm({ enabled: 'true' }),
      });
    expect(res.status).toBe(409);
    expect(res.text).toContain('Automatic snapshots need a Hetzner API token');
    expect((await settingsRow(panel)).schedule_enabled).toBe(0);
  });

  it('CLI: token set reads standard input, runs the same checks and exits 1 with the message on failure', async () => {
    const before = await settingsRow(panel);
    const ro = await cli(cliEnv(), `${RO}\n`).run('token', 'set');
    expect(ro.code).toBe(1);
    expect(ro.err).toContain('This token is read-only');
    expect(ro.err).toContain('Nothing was saved.');
    const unknown = await cli(cliEnv(), `${UNKNOWN}\n`).run('token', 'set');
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain('Hetzner does not know this token');
    const empty = await cli(cliEnv(), '\n').run('token', 'set');
    expect(empty.code).toBe(2);
    expect(empty.err).toContain('Paste the API token.');
    expect(await settingsRow(panel)).toEqual(before);

    const ok = await cli(cliEnv(), `${RW}\n`).run('token', 'set');
    expect(ok.code).toBe(0);
    expect(ok.out).toContain('Token saved');
    expect(ok.out).toContain('••••••••wxyz');
    expect((await settingsRow(panel)).token_last4).toBe('wxyz');

    const page = await agent.get('/settings');
    expect(page.text).toContain('••••••••wxyz');
    expect(page.text).toMatch(
      /<td data-label="Who">command line<\/td>\s*<td data-label="What">API token saved/,
    );
  });

  it('CLI: token check prints the outcome and exits 0 only for a read-write token; token clear pauses', async () => {
    const check = await cli(cliEnv()).run('token', 'check');
    expect(check.code).toBe(0);
    expect(check.out).toContain('••••••••wxyz (stored)');
    expect(check.out).toContain('The token works');

    const clear = await cli(cliEnv()).run('token', 'clear');
    expect(clear.code).toBe(0);
    expect(clear.out).toContain('Token removed.');
    expect((await settingsRow(panel)).token_encrypted).toBeNull();

    const none = await cli(cliEnv()).run('token', 'check');
    expect(none.code).toBe(1);
    expect(none.err).toContain('No API token is set');
    const again = await cli(cliEnv()).run('token', 'clear');
    expect(again.code).toBe(0);
    expect(again.out).toContain('nothing changed');
  });

  it('says when Hetzner cannot be reached, and saves nothing', async () => {
    const deadApi = await start({
      HCLOUD_SERVER_ID: String(serverId),
      HCLOUD_ENDPOINT: `http://127.0.0.1:${await freePort()}/v1`,
      HCLOUD_METADATA_ENDPOINT: fake.metadataEndpoint,
    });
    try {
      const a = await deadApi.signedIn();
      const before = await settingsRow(deadApi);
      const res = await postToken(a, RW);
      expect(res.status).toBe(422);
      expect(res.text).toContain(
        'The token could not be checked. Could not reach the Hetzner Cloud API (ECONNREFUSED)',
      );
      expect(await settingsRow(deadApi)).toEqual(before);
    } finally {
      await deadApi.close();
    }
  });

  it('says how to set HCLOUD_SERVER_ID when the panel is not on a Hetzner server, and saves nothing', async () => {
    const offHetzner = await FakeHcloud.start();
    offHetzner.addToken(RW);
    const away = await start({
      HCLOUD_ENDPOINT: offHetzner.apiEndpoint,
      HCLOUD_METADATA_ENDPOINT: offHetzner.metadataEndpoint,
    });
    try {
      const a = await away.signedIn();
      const before = await settingsRow(away);
      const res = await postToken(a, RW);
      expect(res.status).toBe(422);
      expect(res.text).toContain('does not know which server it runs on');
      expect(res.text).toContain('set HCLOUD_SERVER_ID');
      expect(await settingsRow(away)).toEqual(before);
      expect(offHetzner.requests.filter((r) => r.path.startsWith('/v1'))).toEqual([]);
    } finally {
      await away.close();
      await offHetzner.close();
    }
  });

  it('with HCLOUD_TOKEN set, says the token comes from the environment and offers no paste or disconnect', async () => {
    fake.addToken(ENV_TOKEN);
    const fromEnv = await start({ ...apiEnv, HCLOUD_TOKEN: ENV_TOKEN });
    try {
      const a = await fromEnv.signedIn();
      const page = await a.get('/settings');
      expect(page.text).toContain('The token comes from the environment (<code>HCLOUD_TOKEN</code>)');
      expect(page.text).toContain('••••••••eeee');
      expect(page.text).not.toContain('name="token"');
      expect(page.text).not.toContain('Disconnect');

      const refused = await postToken(a, RW);
      expect(refused.status).toBe(422);
      expect(refused.text).toContain('comes from the environment (HCLOUD_TOKEN)');
      expect((await settingsRow(fromEnv)).token_encrypted).toBeNull();

      const csrf = await csrfFrom(a, '/settings');
      await a.post('/settings/token/check').type('form').send({ _csrf: csrf });
      expect((await a.get('/settings')).text).toContain('The token works');
    } finally {
      await fromEnv.close();
    }
  });
});
