// Notification channels against local fakes: HTTP receivers and a small SMTP sink on 127.0.0.1. Each channel
// and format for one failed-then-recovered cycle (the generic signature checked as a receiver would), the
// settings page and its secrets, retries with backoff, collapsing, the events a channel picked, the
// watchdog after a process that was down through two periods, the CLI, and the migration of the old webhook.
import { EventEmitter2 } from '@nestjs/event-emitter';
import { getRepositoryToken } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { runCli } from '../src/cli/cli';
import { AuditService } from '../src/hetzner-snapshots/audit/audit.service';
import {
  NotificationChannel,
  NotificationDelivery,
  NotificationEventRecord,
} from '../src/hetzner-snapshots/notifications/notification.entities';
import { DRILL_FAILED_EVENT } from '../src/hetzner-snapshots/notifications/notification.events';
import {
  SIGNATURE_HEADER,
  verifySignature,
} from '../src/hetzner-snapshots/notifications/notification.formats';
import { NotificationService } from '../src/hetzner-snapshots/notifications/notification.service';
import { NotificationChannelsService } from '../src/hetzner-snapshots/notifications/notification-channels.service';
import { SnapshotCycleService } from '../src/hetzner-snapshots/cycle/snapshot-cycle.service';
import { PanelSettings } from '../src/hetzner-snapshots/settings/panel-settings.entity';
import {
  addChannelRow,
  flushNotifications,
  httpReceiver,
  HttpReceiver,
  smtpSink,
  SmtpSink,
} from './support/notification-fixtures';
import { capturedLogLines, csrfFrom, PanelHarness } from './support/panel-harness';
import {
  changeSettings,
  cli,
  SchedulerWorld,
  startSchedulerPanel,
  startWorld,
  TOKEN,
} from './support/scheduler-fixtures';

const HMAC_SECRET = 'hmac-secret-2b7c9e41d0a84f55';
const NTFY_TOKEN = 'tk_ntfy0a1b2c3d4e5f6a7b8';
const SMTP_STORED = 'smtp-stored-pass-8d1e2f3a';
const SMTP_ENV = 'smtp-env-pass-5c4b3a2f1e';
const SECRETS = [HMAC_SECRET, NTFY_TOKEN, SMTP_STORED, SMTP_ENV, TOKEN];

let world: SchedulerWorld;
let panel: PanelHarness;
let hook: HttpReceiver;
let mailStored: SmtpSink;
let mailEnv: SmtpSink;

const PRIVATE_OK = { WEBHOOK_ALLOW_PRIVATE_ADDRESSES: 'true', SMTP_PASSWORD: SMTP_ENV };

beforeEach(async () => {
  world = await startWorld();
  hook = await httpReceiver();
  mailStored = await smtpSink({ user: 'mailer', pass: SMTP_STORED });
  mailEnv = await smtpSink({ user: 'env-mailer', pass: SMTP_ENV });
  panel = await startSchedulerPanel(world, { env: PRIVATE_OK });
});
afterEach(async () => {
  await panel?.close();
  await world.fake.close();
  await hook.close();
  await mailStored.close();
  await mailEnv.close();
});
afterAll(() => {
  const logs = capturedLogLines.join('\n');
  for (const secret of SECRETS) expect(logs).not.toContain(secret);
});

const cycles = () => panel.get<SnapshotCycleService>(SnapshotCycleService);
const notifications = () => panel.get<NotificationService>(NotificationService);
const deliveries = () =>
  panel
    .get<Repository<NotificationDelivery>>(getRepositoryToken(NotificationDelivery))
    .find({ order: { id: 'ASC' } });
const events = () =>
  panel
    .get<Repository<NotificationEventRecord>>(getRepositoryToken(NotificationEventRecord))
    .find({ order: { id: 'ASC' } });
const at = (path: string) => hook.received.filter((r) => r.path === path);
const bodies = (path: string) => at(path).map((r) => JSON.parse(r.body) as Record<string, unknown>);

function emailRow(
  name: string,
  port: number,
  user: string,
  passwordSource: 'stored' | 'environment',
  security: 'none' | 'starttls' = 'none',
) {
  return {
    name,
    kind: 'email' as const,
    format: 'email' as const,
    emailJson: JSON.stringify({
      host: '127.0.0.1',
      port,
      security,
      username: user,
      passwordSource,
      from: 'panel@example.com',
      to: ['ops@example.com', 'oncall@example.com'],
    }),
  };
}

/** The e-mail form for mailStored's user, with the password to store. */
function storedMailForm(csrf: string, password: string) {
  return {
    _csrf: csrf,
    name: 'Ops e-mail',
    host: '127.0.0.1',
    port: String(mailStored.port),
    security: 'none',
    username: 'mailer',
    passwordSource: 'stored',
    password,
    from: 'panel@example.com',
    to: 'ops@example.com',
    enabled: 'on',
    'event:cycle.failed': 'on',
  };
}

async function allChannels() {
  await addChannelRow(panel, { name: 'Generic', url: `${hook.url}/generic`, secret: HMAC_SECRET });
  await addChannelRow(panel, { name: 'Slack', format: 'slack', url: `${hook.url}/slack/T000/B000/x` });
  await addChannelRow(panel, { name: 'Discord', format: 'discord', url: `${hook.url}/discord/1/x` });
  await addChannelRow(panel, { name: 'ntfy', format: 'ntfy', url: `${hook.url}/alerts`, secret: NTFY_TOKEN });
  await addChannelRow(panel, {
    ...emailRow('Mail', mailStored.port, 'mailer', 'stored'),
    secret: SMTP_STORED,
  });
  await addChannelRow(panel, emailRow('Mail (env)', mailEnv.port, 'env-mailer', 'environment'));
}

async function failThenRecover() {
  world.fake.failActionsNext(1, { code: 'image_failed', message: 'the disk could not be read' });
  expect((await cycles().runCycle({ trigger: 'schedule' })).status).toBe('failed');
  await flushNotifications(panel);
  expect((await cycles().runCycle({ trigger: 'schedule' })).status).toBe('succeeded');
  await flushNotifications(panel);
}

describe('each channel and format, one failed-then-recovered cycle', () => {
  it('every channel hears cycle.failed, then cycle.recovered; the generic one is signed; no secret in any body', async () => {
    await allChannels();
    await failThenRecover();

    // Generic JSON: the old webhook's payload plus kind/phase/severity, verified as a receiver would.
    const generic = at('/generic');
    expect(generic).toHaveLength(2);
    for (const r of generic) {
      expect(r.headers['content-type']).toBe('application/json');
      expect(verifySignature(r.body, r.headers[SIGNATURE_HEADER.toLowerCase()] as string, HMAC_SECRET)).toBe(
        true,
      );
      expect(
        verifySignature(r.body, r.headers[SIGNATURE_HEADER.toLowerCase()] as string, 'wrong-secret-0000000'),
      ).toBe(false);
    }
    expect(bodies('/generic')).toEqual([
      expect.objectContaining({
        event: 'cycle.failed',
        phase: 'started',
        severity: 'error',
        server: { id: world.serverId, name: 'web-1' },
        run: expect.objectContaining({ id: 1, status: 'failed', errorCode: 'image_failed' }),
        message: expect.stringContaining('the disk could not be read'),
      }),
      expect.objectContaining({
        event: 'cycle.recovered',
        phase: 'ended',
        severity: 'info',
        run: expect.objectContaining({ id: 2, status: 'succeeded' }),
        message: expect.stringContaining('Automatic snapshots work again'),
      }),
    ]);

    // Slack: one mrkdwn text each.
    expect(bodies('/slack/T000/B000/x')).toEqual([
      {
        text: expect.stringMatching(
          /^\*\[ERROR\] A snapshot cycle failed on web-1\*\n.*the disk could not be read/s,
        ),
      },
      { text: expect.stringMatching(/^\*\[OK\] Automatic snapshots work again on web-1\*\n/) },
    ]);
    // Discord: an embed each, red then green, mentions off.
    const discord = bodies('/discord/1/x') as {
      embeds: { title: string; color: number }[];
      allowed_mentions: unknown;
    }[];
    expect(discord.map((d) => [d.embeds[0].title, d.embeds[0].color])).toEqual([
      ['[ERROR] A snapshot cycle failed on web-1', 0xdc2626],
      ['[OK] Automatic snapshots work again on web-1', 0x16a34a],
    ]);
    expect(discord[0].allowed_mentions).toEqual({ parse: [] });
    // ntfy: JSON published at the server's root, with the topic, a priority and the access token.
    const ntfy = at('/');
    expect(ntfy).toHaveLength(2);
    expect(ntfy.every((r) => r.headers.authorization === `Bearer ${NTFY_TOKEN}`)).toBe(true);
    expect(bodies('/')).toEqual([
      expect.objectContaining({
        topic: 'alerts',
        priority: 4,
        title: '[ERROR] A snapshot cycle failed on web-1',
      }),
      expect.objectContaining({
        topic: 'alerts',
        priority: 3,
        title: '[OK] Automatic snapshots work again on web-1',
      }),
    ]);

    // E-mail: two messages to both recipients, signed in with the stored password and with SMTP_PASSWORD.
    for (const [sink, user] of [
      [mailStored, 'mailer'],
      [mailEnv, 'env-mailer'],
    ] as const) {
      expect(sink.mails).toHaveLength(2);
      expect(sink.mails.every((m) => m.user === user && m.from === 'panel@example.com')).toBe(true);
      expect(sink.mails[0].to).toEqual(['ops@example.com', 'oncall@example.com']);
      expect(sink.mails[0].raw).toMatch(/Subject: \[ERROR\] A snapshot cycle failed on web-1/);
      // Quoted-printable wraps long lines with a soft break ("=" at the end of a line).
      expect(sink.mails[0].raw.replace(/=\r?\n/g, '')).toContain('the disk could not be read');
      expect(sink.mails[1].raw).toMatch(/Subject: \[OK\] Automatic snapshots work again on web-1/);
    }

    const everything = [
      ...hook.received.map((r) => r.body),
      ...mailStored.mails.map((m) => m.raw),
      ...mailEnv.mails.map((m) => m.raw),
    ].join('\n');
    for (const secret of SECRETS) expect(everything).not.toContain(secret);

    // The history page shows each event and each delivery's outcome.
    const agent = await panel.signedIn();
    const page = await agent.get('/history/notifications');
    expect(page.status).toBe(200);
    expect(page.text).toContain('cycle.failed');
    expect(page.text).toContain('cycle.recovered');
    expect(page.text.match(/class="delivery"/g)).toHaveLength(12);
    expect(page.text.match(/Delivered/g)).toHaveLength(12);
    for (const secret of SECRETS) expect(page.text).not.toContain(secret);
    // …and so does the History page itself, next to the cycles.
    const historyPage = await agent.get('/history');
    expect(historyPage.text).toContain('Notifications sent');
    expect(historyPage.text).toContain('href="/history/notifications"');
    expect(historyPage.text.match(/class="delivery"/g)).toHaveLength(12);
    expect(historyPage.text).toMatch(/Slack: <span class="badge badge-ok">Delivered<\/span> after 1 try/);
  });

  it('a cycle never waits on a channel: a receiver that hangs costs the cycle nothing', async () => {
    const { createServer } = await import('node:http');
    const hanging = createServer(() => undefined);
    await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
    const port = (hanging.address() as { port: number }).port;
    await addChannelRow(panel, { name: 'Hangs', url: `http://127.0.0.1:${port}/x` });
    world.fake.failActionsNext(1);
    const started = Date.now();
    expect((await cycles().runCycle({ trigger: 'schedule' })).status).toBe('failed');
    expect(Date.now() - started).toBeLessThan(5_000);
    hanging.closeAllConnections();
    hanging.close();
  });
});

describe('settings page and secrets', () => {
  it('adds a signed webhook; the secret is stored encrypted, never shown back; "Send a test" reaches a receiver that verifies it', async () => {
    const agent = await panel.signedIn();
    const csrf = await csrfFrom(agent, '/settings/notifications/new?kind=webhook');
    const created = await agent
      .post('/settings/notifications/webhook')
      .type('form')
      .send({
        _csrf: csrf,
        name: 'Our receiver',
        format: 'generic',
        url: `${hook.url}/generic/secret-path`,
        secret: HMAC_SECRET,
        enabled: 'on',
        'event:cycle.failed': 'on',
        'event:snapshots.overdue': 'on',
      });
    expect(created.status).toBe(303);
    const list = await agent.get('/settings/notifications');
    expect(list.text).toContain('Our receiver');
    expect(list.text).toContain('secret set');
    expect(list.text).toContain(hook.url);
    expect(list.text).not.toContain('secret-path');
    const [row] = await panel
      .get<Repository<NotificationChannel>>(getRepositoryToken(NotificationChannel))
      .find();
    expect(row.secretEncrypted).toMatch(/^v1:/);
    expect(row.secretEncrypted).not.toContain(HMAC_SECRET);
    expect(row.events).toBe('cycle.failed,snapshots.overdue');

    const edit = await agent.get(`/settings/notifications/${row.id}`);
    expect(edit.status).toBe(200);
    expect(edit.text).toContain('A secret is set');
    expect(edit.text).not.toContain(HMAC_SECRET);

    // Saving again with the secret field empty keeps the secret.
    const saved = await agent
      .post(`/settings/notifications/${row.id}`)
      .type('form')
      .send({
        _csrf: csrf,
        name: 'Our receiver',
        format: 'generic',
        url: `${hook.url}/generic/secret-path`,
        secret: '',
        enabled: 'on',
        'event:cycle.failed': 'on',
      });
    expect(saved.status).toBe(303);

    const test = await agent
      .post(`/settings/notifications/${row.id}/test`)
      .type('form')
      .send({ _csrf: csrf });
    expect(test.status).toBe(303);
    const after = await agent.get('/settings/notifications');
    expect(after.text).toContain('The test message to &quot;Our receiver&quot; was delivered.');
    expect(hook.received).toHaveLength(1);
    const [req] = hook.received;
    expect(JSON.parse(req.body)).toMatchObject({ event: 'test', phase: 'test' });
    expect(
      verifySignature(req.body, req.headers[SIGNATURE_HEADER.toLowerCase()] as string, HMAC_SECRET),
    ).toBe(true);
    const history = await agent.get('/history/notifications');
    expect(history.text).toContain('Our receiver');
    expect(history.text).toContain('Delivered');

    // Removed: gone from the list, its deliveries stay in the history, and the settings audit says who.
    const removed = await agent
      .post(`/settings/notifications/${row.id}/remove`)
      .type('form')
      .send({ _csrf: csrf });
    expect(removed.status).toBe(303);
    const gone = await agent.get('/settings/notifications');
    expect(gone.text).toContain('Removed the channel &quot;Our receiver&quot;.');
    expect(gone.text).not.toContain(`id="channel-${row.id}"`);
    expect((await agent.get('/history/notifications')).text).toContain('Our receiver');
    const settings = await agent.get('/settings');
    expect(settings.text).toContain('Notification channel added');
    expect(settings.text).toContain('Notification channel removed');
    expect(settings.text).not.toContain('secret-path');
  });

  it('a failed test says why, on the page; an e-mail channel with a wrong password fails its test', async () => {
    const agent = await panel.signedIn();
    const csrf = await csrfFrom(agent, '/settings/notifications/new?kind=email');
    const created = await agent
      .post('/settings/notifications/email')
      .type('form')
      .send(storedMailForm(csrf, 'not-the-password'));
    expect(created.status).toBe(303);
    const [row] = await panel
      .get<Repository<NotificationChannel>>(getRepositoryToken(NotificationChannel))
      .find();
    await agent.post(`/settings/notifications/${row.id}/test`).type('form').send({ _csrf: csrf });
    const page = await agent.get('/settings/notifications');
    expect(page.text).toContain('The test to &quot;Ops e-mail&quot; failed: 127.0.0.1:');
    expect(page.text).toContain('refused the user name or password');
    expect(page.text).not.toContain('not-the-password');

    // Replace the password: the next test is delivered.
    await agent
      .post(`/settings/notifications/${row.id}`)
      .type('form')
      .send(storedMailForm(csrf, SMTP_STORED));
    const edit = await agent.get(`/settings/notifications/${row.id}`);
    expect(edit.text).not.toContain(SMTP_STORED);
    expect(notifications()).toBeDefined();
    expect((await notifications().sendTest(row.id)).ok).toBe(true);
    expect(mailStored.mails).toHaveLength(1);
    expect(mailStored.mails[0].raw).toContain('Subject: [OK] Test message from Snapshot Panel');
  });

  it('a channel whose audit entry cannot be written is not added, changed or removed', async () => {
    const channel = await addChannelRow(panel, { name: 'Kept', url: `${hook.url}/kept` });
    const audit = panel.get<AuditService>(AuditService);
    const failing = jest.spyOn(audit, 'record').mockRejectedValue(new Error('disk full'));
    const body = (name: string) => ({
      name,
      format: 'generic',
      url: `${hook.url}/other`,
      'event:cycle.failed': 'on',
    });
    try {
      const channels = panel.get<NotificationChannelsService>(NotificationChannelsService);
      await expect(
        channels.save({ kind: 'webhook', id: null, body: body('New'), actor: 'cli' }),
      ).rejects.toThrow('disk full');
      await expect(
        channels.save({ kind: 'webhook', id: channel.id, body: body('Renamed'), actor: 'cli' }),
      ).rejects.toThrow('disk full');
      await expect(channels.remove(channel.id, 'cli')).rejects.toThrow('disk full');
      expect(failing).toHaveBeenCalledTimes(3);
    } finally {
      failing.mockRestore();
    }
    const rows = await panel
      .get<Repository<NotificationChannel>>(getRepositoryToken(NotificationChannel))
      .find();
    expect(rows.map((r) => [r.id, r.name, r.url])).toEqual([[channel.id, 'Kept', `${hook.url}/kept`]]);
  });

  it('`snapshot-panel notify test` sends through the same service, and `notify list` shows no secret', async () => {
    const channel = await addChannelRow(panel, {
      name: 'CLI hook',
      url: `${hook.url}/cli/secret-path`,
      secret: HMAC_SECRET,
    });
    const env = { ...world.env, ...PRIVATE_OK, DATA_DIR: panel.dataDir };
    const test = await cli(['notify', 'test', '--channel', String(channel.id)], env);
    expect(test.code).toBe(0);
    expect(test.stdout).toContain('The test message to "CLI hook" was delivered.');
    expect(hook.received).toHaveLength(1);
    const list = await cli(['notify', 'list'], env);
    expect(list.stdout).toContain(`CLI hook — Webhook (generic JSON, signed) → ${hook.url} (secret set)`);
    expect(list.stdout).not.toContain('secret-path');
    expect(list.stdout + list.stderr + test.stdout + test.stderr).not.toContain(HMAC_SECRET);
    const missing = await cli(['notify', 'test', '--channel', '999'], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('There is no notification channel 999.');
  });
});

describe('e-mail encryption', () => {
  it('STARTTLS is required when chosen: a server without it gets no password; a self-signed certificate is refused', async () => {
    const { execFileSync } = await import('node:child_process');
    const fs = await import('node:fs');
    const os = await import('node:os');
    const path = await import('node:path');
    const { SMTPServer } = await import('smtp-server');
    // A plain server (mailStored has STARTTLS switched off): the channel asks for STARTTLS, so nothing is sent.
    const plain = await addChannelRow(panel, {
      ...emailRow('STARTTLS wanted', mailStored.port, 'mailer', 'stored', 'starttls'),
      secret: SMTP_STORED,
    });
    const refused = await notifications().sendTest(plain.id);
    expect(refused.ok).toBe(false);
    expect(mailStored.mails).toHaveLength(0);

    // A server with STARTTLS and a self-signed certificate for another name: the certificate is checked.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'smtp-tls-'));
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-subj',
        '/CN=mail.example.com',
        '-days',
        '1',
        '-keyout',
        path.join(dir, 'key.pem'),
        '-out',
        path.join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    let authTried = false;
    const tls = new SMTPServer({
      key: fs.readFileSync(path.join(dir, 'key.pem')),
      cert: fs.readFileSync(path.join(dir, 'cert.pem')),
      logger: false,
      onAuth(_auth, _session, cb) {
        authTried = true;
        cb(null, { user: 'mailer' });
      },
      onData(stream, _session, cb) {
        stream.resume();
        stream.on('end', () => cb());
      },
    });
    await new Promise<void>((resolve) => tls.listen(0, '127.0.0.1', () => resolve()));
    const port = (tls.server.address() as { port: number }).port;
    const selfSigned = await addChannelRow(panel, {
      ...emailRow('Self-signed', port, 'mailer', 'stored', 'starttls'),
      secret: SMTP_STORED,
    });
    const outcome = await notifications().sendTest(selfSigned.id);
    expect(outcome.ok).toBe(false);
    expect(outcome.message).toMatch(/certificate/i);
    expect(authTried).toBe(false);
    expect(outcome.message).not.toContain(SMTP_STORED);
    await new Promise<void>((resolve) => tls.close(() => resolve()));
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('from the command line', () => {
  it('`snapshot-panel run` that fails sends its message before the command ends', async () => {
    await addChannelRow(panel, { name: 'Hook', url: `${hook.url}/cli-run` });
    const env = { ...world.env, ...PRIVATE_OK, DATA_DIR: panel.dataDir };
    world.fake.failActionsNext(1, { code: 'image_failed', message: 'the disk could not be read' });
    const run = await cli(['run'], env);
    expect(run.code).toBe(1);
    expect(bodies('/cli-run')).toEqual([
      expect.objectContaining({ event: 'cycle.failed', phase: 'started' }),
    ]);
  });
});

describe('retries', () => {
  it('a failed delivery is retried in the background after 30 s, then 2 min, and recorded', async () => {
    await addChannelRow(panel, { name: 'Flaky', url: `${hook.url}/flaky` });
    hook.failNext(500, 503);
    world.fake.failActionsNext(1);
    await cycles().runCycle({ trigger: 'schedule' });
    await flushNotifications(panel);
    let [d] = await deliveries();
    expect(d).toMatchObject({
      status: 'pending',
      attempts: 1,
      failedAttempts: 1,
      lastError: expect.stringContaining('HTTP 500'),
    });
    expect(d.nextAttemptAt!.getTime() - d.lastAttemptAt!.getTime()).toBeGreaterThanOrEqual(30_000);
    expect(d.nextAttemptAt!.getTime() - d.lastAttemptAt!.getTime()).toBeLessThan(31_000);

    // Not due yet: nothing is sent.
    await notifications().processDue();
    expect(hook.received).toHaveLength(1);
    world.fake.advance(31_000);
    await notifications().processDue();
    [d] = await deliveries();
    expect(d).toMatchObject({
      status: 'pending',
      attempts: 2,
      lastError: expect.stringContaining('HTTP 503'),
    });
    expect(d.nextAttemptAt!.getTime() - d.lastAttemptAt!.getTime()).toBeGreaterThanOrEqual(120_000);
    world.fake.advance(121_000);
    await notifications().processDue();
    [d] = await deliveries();
    expect(d).toMatchObject({ status: 'sent', attempts: 3, failedAttempts: 2, lastError: null });
    expect(hook.received).toHaveLength(3);
    expect(new Set(hook.received.map((r) => r.body)).size).toBe(1);

    const page = await (await panel.signedIn()).get('/history/notifications');
    expect(page.text).toMatch(/Flaky: <span class="badge badge-ok">Delivered<\/span> after 3 tries/);
  });

  it('gives up after 5 tries, says so in the history and in doctor', async () => {
    const channel = await addChannelRow(panel, { name: 'Gone', url: `${hook.url}/gone` });
    hook.failNext(404, 404, 404, 404, 404);
    world.fake.failActionsNext(1);
    await cycles().runCycle({ trigger: 'schedule' });
    await flushNotifications(panel);
    for (const wait of [31_000, 121_000, 601_000, 1_801_000]) {
      world.fake.advance(wait);
      await notifications().processDue();
    }
    const [d] = await deliveries();
    expect(d).toMatchObject({ status: 'failed', attempts: 5, failedAttempts: 5 });
    expect(hook.received).toHaveLength(5);
    const page = await (await panel.signedIn()).get('/history/notifications');
    expect(page.text).toMatch(/Gone: <span class="badge badge-danger">Failed<\/span> after 5 tries/);

    let out = '';
    const { Writable, Readable } = await import('node:stream');
    const code = await runCli(['doctor'], {
      stdin: Readable.from([]) as never,
      stdout: new Writable({ write: (c: Buffer, _e, done) => ((out += c.toString()), done()) }),
      stderr: new Writable({ write: (_c, _e, done) => done() }),
      env: { TZ: 'UTC', ...world.env, ...PRIVATE_OK, DATA_DIR: panel.dataDir },
    });
    expect(code).toBe(1);
    expect(out).toMatch(
      new RegExp(
        `FAIL +channel-${channel.id} +"Gone" \\(Webhook \\(generic JSON, signed\\) → ${hook.url}\\) failed its last delivery .* after 5 tries: ${hook.url}: answered with HTTP 404`,
      ),
    );
  });
});

describe('collapsing and events', () => {
  it('repeats are collapsed: one message when it starts, a daily reminder while it lasts, one when it ends', async () => {
    await addChannelRow(panel, { name: 'Hook', url: `${hook.url}/hook` });
    for (let i = 0; i < 3; i++) {
      world.fake.failActionsNext(1);
      await cycles().runCycle({ trigger: 'schedule' });
      await flushNotifications(panel);
    }
    expect(bodies('/hook').map((b) => `${b.event}/${b.phase}`)).toEqual(['cycle.failed/started']);
    world.fake.advance(25 * 3_600_000);
    world.fake.failActionsNext(1);
    await cycles().runCycle({ trigger: 'schedule' });
    await flushNotifications(panel);
    await cycles().runCycle({ trigger: 'schedule' });
    await flushNotifications(panel);
    await cycles().runCycle({ trigger: 'schedule' });
    await flushNotifications(panel);
    expect(bodies('/hook').map((b) => `${b.event}/${b.phase}`)).toEqual([
      'cycle.failed/started',
      'cycle.failed/reminder',
      'cycle.recovered/ended',
    ]);
    expect(bodies('/hook')[1].message).toMatch(/^Still not resolved since /);
  });

  it('each channel gets only the events it picked: token rejected (401) and limit reached have their own', async () => {
    await addChannelRow(panel, { name: 'Token', url: `${hook.url}/token`, events: 'token.rejected' });
    await addChannelRow(panel, { name: 'Limit', url: `${hook.url}/limit`, events: 'limit.reached' });
    await addChannelRow(panel, { name: 'Drill', url: `${hook.url}/drill`, events: 'drill.failed' });
    world.fake.failNext({
      path: new RegExp(`^/v1/servers/${world.serverId}$`),
      status: 401,
      code: 'unauthorized',
      message: 'unable to authenticate',
    });
    await cycles().runCycle({ trigger: 'schedule' });
    await flushNotifications(panel);
    world.fake.failNext({
      path: /create_image$/,
      status: 403,
      code: 'resource_limit_exceeded',
      message: 'image limit exceeded',
    });
    await cycles().runCycle({ trigger: 'schedule' });
    await flushNotifications(panel);
    panel
      .get<EventEmitter2>(EventEmitter2)
      .emit(DRILL_FAILED_EVENT, { error: 'The restored server did not boot.' });
    await flushNotifications(panel);
    await cycles().runCycle({ trigger: 'schedule' });
    await flushNotifications(panel);

    expect(bodies('/token').map((b) => `${b.event}/${b.severity}`)).toEqual([
      'token.rejected/critical',
      'token.resolved/info',
    ]);
    expect(bodies('/limit').map((b) => `${b.event}/${b.severity}`)).toEqual([
      'limit.reached/error',
      'limit.resolved/info',
    ]);
    expect(bodies('/drill')).toEqual([
      expect.objectContaining({ event: 'drill.failed', message: 'The restored server did not boot.' }),
    ]);
    expect((await events()).map((e) => e.event)).toEqual([
      'cycle.failed',
      'token.rejected',
      'limit.reached',
      'drill.failed',
      'cycle.recovered',
      'token.resolved',
      'limit.resolved',
    ]);
  });
});

/** From the fake's now to the first whole hour after `from` that is 3 hours past a 6-hourly run in Berlin. */
function untilMidPeriod(from: Date): number {
  const berlinHour = (at: Date) =>
    Number(
      new Intl.DateTimeFormat('en-GB', {
        timeZone: 'Europe/Berlin',
        hour: '2-digit',
        hourCycle: 'h23',
      }).format(at),
    );
  const at = new Date(Math.ceil(from.getTime() / 3_600_000) * 3_600_000);
  while (berlinHour(at) % 6 !== 3) at.setTime(at.getTime() + 3_600_000);
  return at.getTime() - world.fake.now().getTime();
}

describe('the watchdog', () => {
  it('a process that was down through two periods says so at start-up, even though its catch-up then succeeds', async () => {
    await addChannelRow(panel, {
      name: 'Hook',
      url: `${hook.url}/hook`,
      events: 'snapshots.overdue,cycle.failed',
    });
    await changeSettings(panel, { scheduleEnabled: true, frequency: '6h' });
    expect((await cycles().runCycle({ trigger: 'schedule' })).status).toBe('succeeded');
    await flushNotifications(panel);
    const dataDir = panel.dataDir;
    await panel.app.close(); // the process stops; its data stays
    // More than two periods: every 6 hours, plus an hour for the DST change Europe/Berlin has, twice. Then on
    // to the middle of a period, as no catch-up runs when the next scheduled run is minutes away.
    world.fake.advance(untilMidPeriod(new Date(world.fake.now().getTime() + 15 * 3_600_000)));

    panel = await startSchedulerPanel(world, { dataDir, env: PRIVATE_OK });
    await flushNotifications(panel);
    const seen = bodies('/hook');
    expect(seen[0]).toMatchObject({ event: 'snapshots.overdue', phase: 'started', severity: 'critical' });
    expect(seen[0].message).toContain('The last successful automatic snapshot finished');
    // The catch-up cycle at start succeeded: the problem ended, once.
    expect(seen.map((b) => b.event)).toEqual(['snapshots.overdue', 'snapshots.resolved']);
  });

  it('with a dead cron job, the timer of its own notices and reminds daily', async () => {
    await addChannelRow(panel, { name: 'Hook', url: `${hook.url}/hook`, events: 'snapshots.overdue' });
    await changeSettings(panel, { scheduleEnabled: true, frequency: '6h' });
    await cycles().runCycle({ trigger: 'schedule' });
    const { NotificationWatchdog } =
      await import('../src/hetzner-snapshots/notifications/notification-watchdog.service');
    const watchdog = panel.get<InstanceType<typeof NotificationWatchdog>>(NotificationWatchdog);
    world.fake.advance(11 * 3_600_000);
    await watchdog.check();
    await flushNotifications(panel);
    expect(hook.received).toHaveLength(0); // within two periods (2 × (6 h + 1 h for DST))
    world.fake.advance(4 * 3_600_000);
    await watchdog.check();
    await watchdog.check();
    await flushNotifications(panel);
    expect(bodies('/hook').map((b) => b.phase)).toEqual(['started']);
    world.fake.advance(24 * 3_600_000);
    await watchdog.check();
    await flushNotifications(panel);
    expect(bodies('/hook').map((b) => b.phase)).toEqual(['started', 'reminder']);
  });
});

describe('upgrading', () => {
  it('the single webhook of an older install becomes a generic channel; down() puts it back', async () => {
    const db = panel.get<DataSource>(DataSource);
    const settings = db.getRepository(PanelSettings);
    // Back to before the migration (and any that came after it), with a webhook stored the old way and a
    // failure it was told about.
    const hasChannels = async () =>
      ((await db.query(`SELECT name FROM sqlite_master WHERE name = 'notification_channels'`)) as unknown[])
        .length > 0;
    while (await hasChannels()) await db.undoLastMigration();
    await settings.update({ id: 1 }, { webhookUrl: `${hook.url}/legacy/path` });
    await db.query(
      `INSERT INTO "cycle_runs" ("trigger","status","phase","started_at","finished_at","deleted","error_code","error_message","request_count")
       VALUES ('schedule','failed','done',datetime('now'),datetime('now'),'[]','image_failed','the disk could not be read',3)`,
    );
    await db.runMigrations();
    const [channel] = await db.getRepository(NotificationChannel).find();
    expect(channel).toMatchObject({
      name: 'Webhook',
      kind: 'webhook',
      format: 'generic',
      enabled: true,
      url: `${hook.url}/legacy/path`,
    });
    expect(channel.events.split(',')).toHaveLength(6);
    expect((await settings.findOneByOrFail({ id: 1 })).webhookUrl).toBeNull();

    // The failure the old webhook announced is still "on": the next success is told as a recovery.
    await cycles().runCycle({ trigger: 'schedule' });
    await flushNotifications(panel);
    expect(bodies('/legacy/path').map((b) => b.event)).toEqual(['cycle.recovered']);

    while (await hasChannels()) await db.undoLastMigration();
    expect((await settings.findOneByOrFail({ id: 1 })).webhookUrl).toBe(`${hook.url}/legacy/path`);
    await db.runMigrations();
  });
});
