// The API token and the session secrets never leave the places they belong: a broad scenario (first-run
// setup, sign-in, token refused and saved, every page, a failing token check, cycles that fail and succeed
// with a hook that tries to print the token, notification channels with their secrets, /metrics, CLI commands
// with --json, doctor, bad configuration)
// runs with distinctive secrets, and everything it produced is scanned: every response body and header,
// every log line, all CLI output, what reached the fake Hetzner and the webhook, the database rows and files.
// Once with SECRET_KEY in the environment, once with the key file the panel generates in DATA_DIR.
import * as fs from 'node:fs';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { Readable, Writable } from 'node:stream';
import type TestAgent from 'supertest/lib/agent';
import { runCli } from '../src/cli/cli';
import type { CliIo } from '../src/cli/cli-io';
import { FakeHcloud } from '../src/fake-hcloud';
import { NotificationService } from '../src/hetzner-snapshots/notifications/notification.service';
import { SnapshotCycleService } from '../src/hetzner-snapshots/cycle/snapshot-cycle.service';
import { AuthService } from '../src/host/auth/auth.service';
import { KEY_FILE_NAME } from '../src/secrets/secret-keys';
import { visibleText } from './support/snapshots-fixture';
import { capturedLogLines, csrfFrom, PanelHarness, startPanel } from './support/panel-harness';

jest.setTimeout(120_000);

// Distinctive values: nothing else in the panel could produce them by chance.
const TOKEN = 'ScanTokenQ7vXw2Lr9Kp4Zt8Mn3Bd6Hf1Jg5Sy0Ua7Ce2Wi9Ox4Rk8Tl3Vm6Nq1Pz';
const RO_TOKEN = 'ScanReadOnlyTokenA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8S9t0U1v2W3x4';
// '+', '/' and '=' make its URL and base64 forms differ from it.
const SECRET_KEY = 'Scan+Master/Key=Of+The/Secret+Scan/2026+Xy7Qw3';
const PASSWORD = 'the admin password of the secret scan';
const HMAC_SECRET = 'ScanHmacSecret+Of/The=Webhook7Kq2';
const SMTP_STORED = 'ScanSmtpStoredPassword4Rt9Yp';
const SMTP_ENV = 'ScanSmtpEnvPassword8Wq3Zx';
const METRICS_TOKEN = 'ScanMetricsToken0123456789abcdefABCDEF';
const AUTO = { 'managed-by': 'snapshot-panel', 'snapshot-panel/kind': 'auto' };
// A hook that tries its best to print the token and the key; the panel must not hand them to it.
const LEAKY_HOOK = `printf 'token=%s key=%s\\n' "$HCLOUD_TOKEN" "$SECRET_KEY"; env | grep -i -e token -e secret || true`;

/** Where a text came from, for a finding a person can follow up. */
interface Captured {
  where: string;
  text: string;
}

interface Secret {
  name: string;
  value: string;
}

/** The forms a leaked secret may take: as is, URL-encoded, in base64 (any alignment), as a long fragment. */
function needles(secret: Secret): Secret[] {
  const forms: Secret[] = [
    secret,
    { name: `${secret.name} (URL-encoded)`, value: encodeURIComponent(secret.value) },
  ];
  const bytes = Buffer.from(secret.value, 'utf8');
  for (let offset = 0; offset < 3; offset++) {
    const tail = bytes.subarray(offset);
    // Only the characters of whole 3-byte groups are the same whatever surrounds the secret in a base64 text.
    const stable = Math.floor(tail.length / 3) * 4;
    forms.push({
      name: `${secret.name} (base64, offset ${offset})`,
      value: tail.toString('base64').slice(0, stable),
    });
    forms.push({
      name: `${secret.name} (base64url, offset ${offset})`,
      value: tail.toString('base64url').slice(0, stable),
    });
  }
  // A truncated leak ("…first 24 characters") is still a leak; the last four of a token are shown on purpose.
  if (secret.value.length >= 40) {
    forms.push({ name: `${secret.name} (first 24 characters)`, value: secret.value.slice(0, 24) });
    forms.push({ name: `${secret.name} (characters 12 to 36)`, value: secret.value.slice(12, 36) });
  }
  return forms.filter((f) => f.value.length >= 16);
}

function findLeaks(captured: Captured[], secrets: Secret[]): string[] {
  const all = secrets.flatMap(needles);
  const found: string[] = [];
  for (const item of captured)
    for (const n of all) if (item.text.includes(n.value)) found.push(`${n.name} in ${item.where}`);
  return [...new Set(found)];
}

/** Records every response the panel sends: status line, headers and body, as written to the socket. */
function recordResponses(panel: PanelHarness, into: Captured[]): void {
  panel.app.getHttpServer().prependListener('request', (req: IncomingMessage, res: ServerResponse) => {
    const chunks: string[] = [];
    const write = res.write.bind(res) as (...a: unknown[]) => boolean;
    const end = res.end.bind(res) as (...a: unknown[]) => ServerResponse;
    const keep = (chunk: unknown) => {
      if (typeof chunk === 'string' || Buffer.isBuffer(chunk)) chunks.push(chunk.toString());
    };
    res.write = ((...a: unknown[]) => (keep(a[0]), write(...a))) as typeof res.write;
    res.end = ((...a: unknown[]) => (typeof a[0] !== 'function' && keep(a[0]), end(...a))) as typeof res.end;
    res.on('finish', () => {
      const headers = res.getHeaders();
      const cookies = ([] as unknown[]).concat(headers['set-cookie'] ?? []).map(String);
      delete headers['set-cookie'];
      const where = `${req.method} ${req.url} → ${res.statusCode}`;
      into.push({ where: `body of ${where}`, text: chunks.join('') });
      into.push({ where: `headers of ${where}`, text: JSON.stringify(headers) });
      // The session cookie itself is set here, and only here; every other cookie is scanned like a header.
      into.push({
        where: `cookies of ${where}`,
        text: cookies.filter((c) => !c.startsWith('sp_session=')).join('\n'),
      });
      into.push({
        where: `session cookie of ${where}`,
        text: cookies.filter((c) => c.startsWith('sp_session=')).join('\n'),
      });
    });
  });
}

/** A webhook receiver on loopback that keeps what it was sent. */
async function webhookReceiver(
  into: Captured[],
): Promise<{ url: string; received: () => number; close: () => Promise<void> }> {
  let count = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      count++;
      into.push({
        where: `webhook ${req.method} ${req.url}`,
        text: `${JSON.stringify(req.headers)}\n${Buffer.concat(chunks).toString('utf8')}`,
      });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/snapshots`,
    received: () => count,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Every file of the data folder (the database and its journal) as bytes, except the key file itself. */
function dataFiles(dataDir: string): Captured[] {
  return fs
    .readdirSync(dataDir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name !== KEY_FILE_NAME)
    .map((e) => {
      const file = path.join(e.parentPath, e.name);
      return {
        where: `file ${path.relative(dataDir, file)}`,
        text: fs.readFileSync(file).toString('latin1'),
      };
    });
}

describe.each([
  { mode: 'SECRET_KEY in the environment', useSecretKey: true },
  { mode: 'the generated key file', useSecretKey: false },
])('no secret in pages, logs or errors, with $mode (e2e)', ({ useSecretKey }) => {
  const captured: Captured[] = [];
  let fake: FakeHcloud;
  let serverId: number;
  let panel: PanelHarness;
  let webhook: Awaited<ReturnType<typeof webhookReceiver>>;
  let savedEnv: NodeJS.ProcessEnv;

  beforeAll(async () => {
    // What a real service has in its environment: the hook must not inherit these.
    savedEnv = { ...process.env };
    process.env.HCLOUD_TOKEN = TOKEN;
    process.env.SECRET_KEY = SECRET_KEY;
    fake = await FakeHcloud.start({ actionDurationMs: 400 });
    fake.addToken(TOKEN);
    fake.addToken(RO_TOKEN, { mode: 'read_only' });
    serverId = fake.addServer({ name: 'web-1' }).id;
    fake.setMetadata({ serverId });
    const now = fake.now().getTime();
    for (const days of [1, 2, 3, 20])
      fake.addImage({
        serverId,
        labels: AUTO,
        description: `web-1 auto ${days}d`,
        created: new Date(now - days * 86_400_000),
        imageSize: 1.2,
      });
    webhook = await webhookReceiver(captured);
    panel = await startPanel({
      env: {
        ...apiEnv(),
        ...(useSecretKey ? { SECRET_KEY } : {}),
        PRE_SNAPSHOT_COMMAND: LEAKY_HOOK,
        LOG_LEVEL: 'debug',
        SMTP_PASSWORD: SMTP_ENV,
        METRICS_TOKEN,
      },
    });
    recordResponses(panel, captured);
  }, 60_000);

  afterAll(async () => {
    await panel?.close();
    await fake?.close();
    await webhook?.close();
    process.env = savedEnv;
  });

  function apiEnv(): Record<string, string> {
    return {
      HCLOUD_ENDPOINT: fake.apiEndpoint,
      HCLOUD_METADATA_ENDPOINT: fake.metadataEndpoint,
      TZ: 'Europe/Berlin',
      // The webhook receiver listens on loopback.
      WEBHOOK_ALLOW_PRIVATE_ADDRESSES: 'true',
      SMTP_PASSWORD: SMTP_ENV,
      METRICS_TOKEN,
    };
  }

  async function cli(
    argv: string[],
    opts: { stdin?: string; env?: Record<string, string> } = {},
  ): Promise<{ code: number; out: string; err: string }> {
    const out: string[] = [];
    const err: string[] = [];
    const sink = (into: string[]) =>
      new Writable({ write: (chunk, _enc, done) => (into.push(String(chunk)), done()) });
    const env = {
      DATA_DIR: panel.dataDir,
      ...apiEnv(),
      ...(useSecretKey ? { SECRET_KEY } : {}),
      PRE_SNAPSHOT_COMMAND: LEAKY_HOOK,
      ...opts.env,
    };
    const io: CliIo = {
      stdin: Readable.from(opts.stdin ? [opts.stdin] : []),
      stdout: sink(out),
      stderr: sink(err),
      env,
    };
    const code = await runCli(argv, io);
    captured.push(
      { where: `stdout of snapshot-panel ${argv.join(' ')}`, text: out.join('') },
      { where: `stderr of snapshot-panel ${argv.join(' ')}`, text: err.join('') },
    );
    return { code, out: out.join(''), err: err.join('') };
  }

  async function form(agent: TestAgent, pagePath: string, body: Record<string, string>, from = '/settings') {
    // The CSRF page first: the agent attaches its cookies when the POST is created.
    const csrf = await csrfFrom(agent, from);
    return agent
      .post(pagePath)
      .type('form')
      .send({ _csrf: csrf, ...body });
  }

  it('runs the whole scenario, and nothing it produced holds a secret', async () => {
    // First-run setup and sign-in, as a person does it.
    const anonymous = panel.anonymous();
    const code = await panel.get<AuthService>(AuthService).issueSetupCode();
    expect(
      (
        await form(
          anonymous,
          '/setup',
          { setupCode: code, username: 'owner', password: PASSWORD, passwordRepeat: PASSWORD },
          '/setup',
        )
      ).status,
    ).toBe(303);
    const wrong = await form(
      anonymous,
      '/login',
      { username: 'owner', password: 'not the password' },
      '/login',
    );
    expect(wrong.status).toBe(401);
    const agent = panel.anonymous();
    const signIn = await form(agent, '/login', { username: 'owner', password: PASSWORD }, '/login');
    expect(signIn.status).toBe(303);

    // The token: refused read-only, refused with junk around it, refused without CSRF and in a huge body, saved.
    expect((await form(agent, '/settings/token', { token: RO_TOKEN })).status).toBe(422);
    expect((await form(agent, '/settings/token', { token: `${TOKEN} please` })).status).toBe(400);
    expect((await agent.post('/settings/token').type('form').send({ token: TOKEN })).status).toBe(403);
    expect(
      (
        await agent
          .post('/settings/token')
          .type('form')
          .send({ token: TOKEN, padding: 'x'.repeat(70_000) })
      ).status,
    ).toBe(413);
    const saved = await form(agent, '/settings/token', { token: TOKEN });
    expect(saved.status).toBe(303);
    expect((await agent.get('/settings')).text).toContain(`••••••••${TOKEN.slice(-4)}`);

    // A schedule, notification channels with secrets (a signed webhook, e-mail with a stored password and
    // with SMTP_PASSWORD, to a port where nobody listens), then every page there is.
    expect(
      (
        await form(agent, '/settings/schedule', {
          intent: 'save',
          enabled: 'true',
          frequencyKind: 'daily',
          dailyAt: '03:30',
          retentionDays: '7',
          keepMin: '3',
          tiersEnabled: 'false',
        })
      ).status,
    ).toBe(303);
    const channelForms: [string, Record<string, string>][] = [
      [
        '/settings/notifications/webhook',
        { name: 'Signed', format: 'generic', url: webhook.url, secret: HMAC_SECRET },
      ],
      [
        '/settings/notifications/webhook',
        {
          name: 'ntfy',
          format: 'ntfy',
          url: `${webhook.url}/ntfy-topic`,
          secret: 'ScanNtfyAccessToken11223344',
        },
      ],
      [
        '/settings/notifications/email',
        {
          name: 'Mail',
          host: '127.0.0.1',
          port: '9',
          security: 'none',
          username: 'mailer',
          passwordSource: 'stored',
          password: SMTP_STORED,
          from: 'a@example.com',
          to: 'b@example.com',
        },
      ],
      [
        '/settings/notifications/email',
        {
          name: 'Mail env',
          host: '127.0.0.1',
          port: '9',
          security: 'none',
          username: 'mailer',
          passwordSource: 'environment',
          from: 'a@example.com',
          to: 'b@example.com',
        },
      ],
    ];
    for (const [action, fields] of channelForms)
      expect(
        (await form(agent, action, { ...fields, enabled: 'on', 'event:cycle.failed': 'on' })).status,
      ).toBe(303);
    // A form that fails keeps no secret in what it shows back.
    expect(
      (
        await form(agent, '/settings/notifications/webhook', {
          name: '',
          format: 'generic',
          url: webhook.url,
          secret: HMAC_SECRET,
        })
      ).status,
    ).toBe(400);
    for (const id of [1, 2, 3, 4])
      expect((await form(agent, `/settings/notifications/${id}/test`, {})).status).toBe(303);
    expect((await agent.get('/metrics')).status).toBe(401);
    expect((await agent.get('/metrics').set('Authorization', `Bearer ${METRICS_TOKEN}`)).status).toBe(200);
    const image = fake.images().find((i) => i.description === 'web-1 auto 1d')!;
    for (const page of [
      '/',
      '/snapshots',
      '/snapshots?page=2',
      '/settings',
      '/settings/token/disconnect',
      '/history',
      '/history?page=abc',
      '/history/notifications',
      '/settings/notifications',
      '/settings/notifications/1',
      '/settings/notifications/3',
      '/settings/notifications/new?kind=email',
      '/account',
      `/snapshots/${image.id}/delete`,
      `/snapshots/${image.id}/restore`,
      '/snapshots/999999/delete',
      '/no-such-page',
      '/healthz',
      '/readyz',
      '/assets/js/panel.js',
    ]) {
      expect((await agent.get(page)).status).toBeLessThan(500);
    }

    // A token check that Hetzner refuses, then the page that reports it.
    const refuseOnce = () =>
      fake.failNext({
        method: 'GET',
        path: /^\/v1\/servers\/\d+$/,
        status: 401,
        code: 'unauthorized',
        message: 'unable to authenticate',
      });
    refuseOnce();
    expect((await form(agent, '/settings/token/check', {})).status).toBe(303);
    expect((await agent.get('/settings')).text).toContain('rejected by Hetzner');
    expect((await form(agent, '/settings/token/check', {})).status).toBe(303);

    // Cycles on the server: one whose snapshot fails (webhook "failed"), one that succeeds and prunes.
    const cycles = panel.get<SnapshotCycleService>(SnapshotCycleService);
    fake.failActionsNext(1, { code: 'image_create_failed', message: 'the disk could not be read' });
    expect(await cycles.runCycle({ trigger: 'schedule' })).toMatchObject({ status: 'failed' });
    expect(await cycles.runCycle({ trigger: 'schedule' })).toMatchObject({ status: 'succeeded' });
    expect((await agent.get('/history')).text).toContain('the disk could not be read');
    expect((await agent.get('/snapshots')).status).toBe(200);

    // The command line, with the stored token and with HCLOUD_TOKEN, succeeding and failing.
    expect((await cli(['token', 'check'])).code).toBe(0);
    expect((await cli(['token', 'check'], { env: { HCLOUD_TOKEN: TOKEN } })).code).toBe(0);
    expect((await cli(['token', 'set'], { stdin: `${RO_TOKEN}\n` })).code).toBe(1);
    expect((await cli(['token', 'set'], { stdin: `${TOKEN} \n` })).code).toBe(0);
    expect((await cli(['schedule', 'show', '--json'])).code).toBe(0);
    expect((await cli(['snapshot', 'list', '--json'])).code).toBe(0);
    expect((await cli(['status', '--json'])).code).toBe(0);
    expect((await cli(['status'])).code).toBe(0);
    expect((await cli(['prune', '--dry-run', '--json'])).code).toBe(0);
    fake.failActionsNext(1, { code: 'image_create_failed', message: 'the disk could not be read' });
    expect((await cli(['run'])).code).toBe(1);
    expect((await cli(['run'])).code).toBe(0);
    expect((await cli(['doctor', '--json'])).code).toBeLessThanOrEqual(1);
    expect((await cli(['doctor'], { env: { HCLOUD_TOKEN: RO_TOKEN } })).code).toBe(1);
    expect((await cli(['notify', 'list', '--json'])).code).toBe(0);
    expect((await cli(['notify', 'test'])).code).toBe(1);
    await panel.get<NotificationService>(NotificationService).flush();
    fake.failNext({
      path: /^\/v1\//,
      status: 401,
      code: 'unauthorized',
      message: 'unable to authenticate',
      times: 10,
    });
    expect((await cli(['snapshot', 'list'])).code).toBe(1);
    // Configuration errors name the variable, never its value.
    expect((await cli(['status'], { env: { SECRET_KEY: SECRET_KEY.slice(0, 20) } })).code).toBe(2);
    expect((await cli(['status'], { env: { HCLOUD_TOKEN: TOKEN.repeat(9) } })).code).toBe(2);

    // The hook ran, and the webhook heard about the failure and the recovery.
    // Its output is on the history page: it printed the line, with both values empty.
    expect(visibleText((await agent.get('/history')).text)).toContain('token= key=');
    expect(webhook.received()).toBeGreaterThanOrEqual(2);
    expect((await form(agent, '/logout', {}, '/account')).status).toBe(303);

    // ---- the scan ------------------------------------------------------------------------------------------
    const sessionCookies = captured
      .filter((c) => c.where.startsWith('session cookie of'))
      .flatMap((c) => [...c.text.matchAll(/sp_session=([^;]*)/g)].map((m) => m[1]))
      .filter((v) => v.length > 0);
    expect(sessionCookies.length).toBeGreaterThanOrEqual(1);

    const keys = panel.rt.keys;
    const secrets: Secret[] = [
      { name: 'the API token', value: TOKEN },
      { name: 'the read-only token', value: RO_TOKEN },
      { name: 'the token encryption key (base64)', value: keys.tokenEncryption.toString('base64') },
      { name: 'the token encryption key (hex)', value: keys.tokenEncryption.toString('hex') },
      { name: 'the CSRF key (base64)', value: keys.csrf.toString('base64') },
      { name: 'the CSRF key (hex)', value: keys.csrf.toString('hex') },
      { name: 'the flash key (base64)', value: keys.flash.toString('base64') },
      { name: 'the two-factor key (base64)', value: keys.twoFactorEncryption.toString('base64') },
      { name: 'the two-factor key (hex)', value: keys.twoFactorEncryption.toString('hex') },
      { name: 'the notification key (base64)', value: keys.notificationEncryption.toString('base64') },
      { name: 'the notification key (hex)', value: keys.notificationEncryption.toString('hex') },
      { name: 'the webhook HMAC secret', value: HMAC_SECRET },
      { name: 'the stored SMTP password', value: SMTP_STORED },
      { name: 'SMTP_PASSWORD', value: SMTP_ENV },
      { name: 'METRICS_TOKEN', value: METRICS_TOKEN },
      ...sessionCookies.map((value, i) => ({ name: `session cookie #${i + 1}`, value })),
    ];
    // SECRET_KEY is in the process environment in both modes (the hook must not see it); in one it is the key.
    secrets.push(
      { name: 'SECRET_KEY', value: SECRET_KEY },
      { name: 'the first 20 characters of SECRET_KEY', value: SECRET_KEY.slice(0, 20) },
    );
    if (!useSecretKey) {
      const keyFile = fs.readFileSync(path.join(panel.dataDir, KEY_FILE_NAME), 'utf8').trim();
      secrets.push(
        { name: 'the key file', value: keyFile },
        { name: 'the key file (hex)', value: Buffer.from(keyFile, 'base64').toString('hex') },
      );
    }

    const tables = [
      'admins',
      'sessions',
      'login_throttle',
      'host_state',
      'panel_settings',
      'audit_entries',
      'snapshot_list_cache',
      'cycle_runs',
      'leases',
      'notification_channels',
      'notification_events',
      'notification_deliveries',
      'notification_conditions',
    ];
    const rows: Captured[] = [];
    for (const table of tables)
      rows.push({
        where: `table ${table}`,
        text: JSON.stringify(await panel.rt.dataSource.query(`SELECT * FROM "${table}"`)),
      });
    const everything: Captured[] = [
      ...captured.filter((c) => !c.where.startsWith('session cookie of')),
      ...capturedLogLines.map((line, i) => ({ where: `log line ${i + 1}`, text: line })),
      ...panel.logs.map((line, i) => ({ where: `panel log ${i + 1}`, text: line })),
      { where: 'requests that reached the fake Hetzner', text: JSON.stringify(fake.requests) },
      ...rows,
      ...dataFiles(panel.dataDir),
    ];
    // The scan looks at a lot, or it proves nothing.
    expect(everything.filter((c) => c.where.startsWith('body of')).length).toBeGreaterThan(40);
    expect(capturedLogLines.length).toBeGreaterThan(20);
    expect(findLeaks(everything, secrets)).toEqual([]);
    // The session cookie went out only in Set-Cookie of the sign-in, and each one only once.
    const carriers = captured.filter(
      (c) => c.where.startsWith('session cookie of') && sessionCookies.some((s) => c.text.includes(s)),
    );
    expect(carriers.map((c) => c.where.replace(/ → \d+$/, ''))).toEqual(
      sessionCookies.map(() => 'session cookie of POST /login'),
    );
  });
});

describe('secrets typed in the wrong place (e2e)', () => {
  // A token that was never saved, so the logger does not know it yet: what an admin has in the clipboard.
  const CLIPBOARD_TOKEN = 'ClipboardTokenZ9y8X7w6V5u4T3s2R1q0P9o8N7m6L5k4J3i2H1g0F9e8D7c6B5a';

  // `snapshot-panel token set <token>` (the token as an argument instead of on standard input) must not
  // print the argument back to stderr, into the journal.
  it('`token set` with the token as an argument does not print it back', async () => {
    const out: string[] = [];
    const sink = new Writable({ write: (chunk, _enc, done) => (out.push(String(chunk)), done()) });
    const code = await runCli(['token', 'set', CLIPBOARD_TOKEN], {
      stdin: Readable.from([]),
      stdout: sink,
      stderr: sink,
      env: { DATA_DIR: '/nonexistent' },
    });
    expect(code).toBe(2);
    expect(out.join('')).not.toContain(CLIPBOARD_TOKEN.slice(0, 24));
  });

  // A token pasted into the username field before any token was saved is not known to the logger's mask,
  // so a failed sign-in must not log an unknown username at all.
  it('a token pasted into the username field does not reach the log', async () => {
    const panel = await startPanel();
    try {
      await panel.get<AuthService>(AuthService).createAdmin('owner', PASSWORD);
      const agent = panel.anonymous();
      const csrf = await csrfFrom(agent, '/login');
      const res = await agent
        .post('/login')
        .type('form')
        .send({ _csrf: csrf, username: CLIPBOARD_TOKEN.slice(0, 64), password: 'whatever it is' });
      expect(res.status).toBe(401);
      expect(panel.logs.join('\n')).not.toContain(CLIPBOARD_TOKEN.slice(0, 24));
    } finally {
      await panel.close();
    }
  });
});
