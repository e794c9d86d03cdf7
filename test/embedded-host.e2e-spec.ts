// The plugin in another host: examples/embedded-host ("Acme Admin", its own guard, session, CSRF and
// layout) mounts HetznerSnapshotsModule with forRootAsync at /hetzner. Signed in the example's way, an
// operator lists snapshots, saves a token and a schedule, and takes a snapshot, all through the plugin.
import { NestExpressApplication } from '@nestjs/platform-express';
import { SchedulerRegistry } from '@nestjs/schedule';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { DataSource } from 'typeorm';
import { createAcmeAdmin, openAcmeDatabase } from '../examples/embedded-host/acme-admin.app';
import { FakeHcloud, FakeServerRecord } from '../src/fake-hcloud';
import { HetznerSnapshotsReadiness } from '../src/hetzner-snapshots';
import { scheduleForm } from './support/settings-forms';
import { visibleText } from './support/snapshots-fixture';

const TOKEN = 'acmeTokenAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAacme';
const OPERATOR = { username: 'ops', password: 'a long operator password' };

const csrfOf = (html: string) => {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!match) throw new Error('no CSRF field on the page');
  return match[1];
};

describe('the plugin embedded in another host (examples/embedded-host, e2e)', () => {
  let fake: FakeHcloud;
  let server: FakeServerRecord;
  let dir: string;
  let db: DataSource;
  let app: NestExpressApplication;

  beforeEach(async () => {
    fake = await FakeHcloud.start({ actionDurationMs: 60_000 });
    fake.addToken(TOKEN);
    server = fake.addServer({ name: 'acme-web', locationName: 'nbg1' });
    fake.setMetadata({ serverId: server.id });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'acme-admin-test-'));
    db = await openAcmeDatabase(path.join(dir, 'acme.sqlite'));
    app = await createAcmeAdmin({
      dataSource: db,
      operators: { [OPERATOR.username]: OPERATOR.password },
      tokenEncryptionKey: crypto.randomBytes(32),
      notificationSecretKey: crypto.randomBytes(32),
      hcloudEndpoint: fake.apiEndpoint,
      metadataEndpoint: fake.metadataEndpoint,
      timeZone: 'Europe/Berlin',
    });
    await app.init();
  });

  afterEach(async () => {
    await app?.close();
    await fake?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function signIn(): Promise<TestAgent> {
    const agent = request.agent(app.getHttpServer());
    const res = await agent.post('/sign-in').type('form').send(OPERATOR);
    expect(res.status).toBe(303);
    return agent;
  }

  it('keeps the plugin closed behind the host’s own guard', async () => {
    const anonymous = request(app.getHttpServer());
    for (const page of ['/hetzner/snapshots', '/hetzner/settings', '/hetzner/history']) {
      const res = await anonymous.get(page);
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe('/sign-in');
    }
    // Nothing of the plugin is mounted at the root: the prefix is the host's choice.
    const agent = await signIn();
    expect((await agent.get('/snapshots')).status).toBe(404);
  });

  it('lists snapshots, saves the token and the schedule, and takes a snapshot, in the host’s layout', async () => {
    const agent = await signIn();

    // No token yet: the plugin's page, in Acme's layout, with the plugin's navigation under /hetzner.
    let page = await agent.get('/hetzner/snapshots');
    expect(page.status).toBe(200);
    expect(page.text).toContain('data-host="acme-admin"');
    expect(page.text).toContain('<title>Snapshots · Acme Admin</title>');
    expect(page.text).toContain('href="/hetzner/settings"');
    expect(page.text).toContain('href="/hetzner-assets/css/panel.css"');
    expect(page.text).not.toContain('Snapshot Panel ·');
    expect(visibleText(page.text)).toContain('Connect the panel to Hetzner Cloud');

    // The token, checked against the fake and stored by the plugin; the message comes back through the
    // host's flash (its session), shown by the host's layout.
    page = await agent.get('/hetzner/settings');
    expect(page.status).toBe(200);
    let res = await agent
      .post('/hetzner/settings/token')
      .type('form')
      .send({ _csrf: csrfOf(page.text), token: TOKEN });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/hetzner/settings#token');
    page = await agent.get('/hetzner/settings');
    expect(page.text).toMatch(/data-acme-flash>[^<]*saved/i);
    expect(page.text).not.toContain(TOKEN);
    expect(fake.requests.some((r) => r.path === `/v1/servers/${server.id}`)).toBe(true);

    // The schedule: on, every 6 hours; the plugin's cron job starts at once, and the audit names the operator.
    res = await agent
      .post('/hetzner/settings/schedule')
      .type('form')
      .send({ _csrf: csrfOf(page.text), ...scheduleForm({ enabled: 'true', everyHours: '6' }) });
    expect(res.status).toBe(303);
    page = await agent.get('/hetzner/settings');
    expect(visibleText(page.text)).toContain('Saved. The schedule takes effect at once');
    const [settings] = await db.query(`SELECT "schedule_enabled" AS enabled FROM "panel_settings"`);
    expect(settings.enabled).toBe(1);
    const audit: { actor: string }[] = await db.query(`SELECT "actor" FROM "audit_entries"`);
    expect(audit.map((a) => a.actor)).toContain('admin:ops');
    expect(app.get(SchedulerRegistry).getCronJobs().size).toBe(1);
    await expect(app.get(HetznerSnapshotsReadiness).facts()).resolves.toMatchObject({
      schedulerRole: true,
      activeCronJobs: 1,
      tokenConfigured: true,
      scheduleEnabled: true,
      lastCycle: null,
    });

    // The list (empty), then "take one now": the snapshot reaches the fake with the panel's labels.
    page = await agent.get('/hetzner/snapshots');
    expect(visibleText(page.text)).toContain('No snapshots of this server yet');
    const requestKey = /name="requestKey" value="([^"]+)"/.exec(page.text)![1];
    res = await agent
      .post('/hetzner/snapshots')
      .type('form')
      .send({ _csrf: csrfOf(page.text), requestKey, description: 'before the Acme upgrade' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/hetzner/snapshots');
    const taken = fake.images().filter((i) => i.type === 'snapshot');
    expect(taken).toHaveLength(1);
    expect(taken[0]).toMatchObject({
      description: 'before the Acme upgrade',
      labels: expect.objectContaining({ 'managed-by': 'snapshot-panel', 'snapshot-panel/kind': 'manual' }),
    });
    page = await agent.get('/hetzner/snapshots');
    expect(page.text).toMatch(/data-acme-flash>[^<]*started/);
    expect(visibleText(page.text)).toContain('before the Acme upgrade');
  });

  it('refuses a plugin form without the host’s CSRF token, through the host port', async () => {
    const agent = await signIn();
    const page = await agent.get('/hetzner/snapshots');
    const before = fake.images().length;
    const res = await agent.post('/hetzner/snapshots').type('form').send({ description: 'forged' });
    expect(res.status).toBe(403);
    const wrong = await agent
      .post('/hetzner/snapshots')
      .type('form')
      .send({
        _csrf: csrfOf(page.text).replace(/^./, (c) => (c === 'A' ? 'B' : 'A')),
        description: 'forged',
      });
    expect(wrong.status).toBe(403);
    // As many characters as the token, but twice the bytes: refused, not a 500.
    const wide = await agent
      .post('/hetzner/snapshots')
      .type('form')
      .send({ _csrf: 'é'.repeat(csrfOf(page.text).length), description: 'forged' });
    expect(wide.status).toBe(403);
    expect(fake.images()).toHaveLength(before);
  });
});
