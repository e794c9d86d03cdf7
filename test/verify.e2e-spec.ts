// Restore drills against the fake Hetzner API: a verified snapshot end to end (page and CLI), a server that
// never runs, a limit error, and the clean-up after a crash that only ever deletes this panel's drill servers.
import { EventEmitter2 } from '@nestjs/event-emitter';
import * as net from 'node:net';
import * as os from 'node:os';
import type TestAgent from 'supertest/lib/agent';
import { DataSource } from 'typeorm';
import { Clock } from '../src/clock/clock';
import { FakeHcloud, FakeImageRecord, FakeServerRecord } from '../src/fake-hcloud';
import {
  DRILL_LEASE,
  DRILL_FAILED_EVENT,
  DrillFailedEvent,
  DrillService,
} from '../src/hetzner-snapshots/verify/drill.service';
import { drillServerLabels } from '../src/hetzner-snapshots/verify/drill.rules';
import { DrillRunStore } from '../src/hetzner-snapshots/verify/drill-run.store';
import { DoctorService } from '../src/hetzner-snapshots/doctor/doctor.service';
import { sqliteUtc } from '../src/hetzner-snapshots/lease/lease.service';
import { runPanelCli } from './support/cli-runner';
import { capturedLogLines, csrfFrom, PanelHarness, startPanel } from './support/panel-harness';

const TOKEN = 'verify-test-token-0123456789abcdef';
const AUTO = { 'managed-by': 'snapshot-panel', 'snapshot-panel/kind': 'auto' };

describe('verify: restore drills (e2e)', () => {
  let fake: FakeHcloud;
  let panel: PanelHarness;
  let agent: TestAgent;
  let server: FakeServerRecord;
  let snapshot: FakeImageRecord;
  let failures: DrillFailedEvent[];

  async function boot(opts: { dataDir?: string; role?: 'server' | 'cli' } = {}): Promise<PanelHarness> {
    // Simulated time: the drill's waits move the fake's clock, so a 10-minute boot deadline takes no real time.
    const clock: Clock = { now: () => fake.now(), sleep: async (ms) => fake.advance(ms) };
    return startPanel({
      env: {
        HCLOUD_ENDPOINT: fake.apiEndpoint,
        HCLOUD_METADATA_ENDPOINT: fake.metadataEndpoint,
        HCLOUD_TOKEN: TOKEN,
      },
      clock,
      role: opts.role ?? 'cli',
      dataDir: opts.dataDir,
    });
  }

  beforeEach(async () => {
    fake = await FakeHcloud.start({ actionDurationMs: 20_000 });
    fake.addToken(TOKEN);
    server = fake.addServer({ name: 'web-1', locationName: 'fsn1' });
    fake.addServer({ name: 'db-1', locationName: 'fsn1' });
    fake.setMetadata({ serverId: server.id });
    snapshot = fake.addImage({ serverId: server.id, description: 'nightly', labels: AUTO });
    panel = await boot();
    agent = await panel.signedIn();
    failures = [];
    panel.get<EventEmitter2>(EventEmitter2).on(DRILL_FAILED_EVENT, (e: DrillFailedEvent) => failures.push(e));
    fake.clearRequests();
  });
  afterEach(async () => {
    await panel.get<DrillService>(DrillService).whenIdle();
    await panel.close();
    await fake.close();
  });
  afterAll(() => {
    expect(capturedLogLines.join('\n')).not.toContain(TOKEN);
  });

  const calls = () =>
    fake.requests.map(
      (r) =>
        `${r.method} ${r.path}${r.query.label_selector ? `?label_selector=${String(r.query.label_selector)}` : ''}`,
    );
  const drillServers = () => fake.servers().filter((s) => s.labels['snapshot-panel/kind'] === 'drill');

  async function startDrill(): Promise<string> {
    const csrf = await csrfFrom(agent, `/snapshots/${snapshot.id}/verify`);
    // Only the drill's own requests count from here (the page view that gave the CSRF token made a plan too).
    fake.clearRequests();
    const res = await agent.post(`/snapshots/${snapshot.id}/verify`).type('form').send({ _csrf: csrf });
    expect(res.status).toBe(303);
    await panel.get<DrillService>(DrillService).whenIdle();
    return res.headers.location as string;
  }

  it('a verified snapshot, end to end: the cost is stated first, the server boots, is deleted, and the outcome recorded', async () => {
    const confirm = await agent.get(`/snapshots/${snapshot.id}/verify`);
    expect(confirm.status).toBe(200);
    // cpx11 is cheaper but sold out in fsn1; cax11 is arm: the cheapest that can take it here is cx22.
    expect(confirm.text).toContain(
      'A cx22 in fsn1, without a public IPv4 for about 5 minutes: 0.0062 EUR (0.0062 EUR per hour; Hetzner bills every started hour).',
    );
    expect(fake.requests.filter((r) => r.method !== 'GET')).toEqual([]);
    fake.clearRequests();

    const started = fake.now().getTime();
    const location = await startDrill();
    const elapsedFakeMs = fake.now().getTime() - started;
    expect(location).toBe('/drills/1');

    const page = await agent.get(location);
    expect(page.text).toContain('Passed: the snapshot booted (running after');
    expect(page.text).toContain('recorded 0.0062 EUR');
    expect(drillServers()).toEqual([]);
    expect(fake.servers().map((s) => s.name)).toEqual(['web-1', 'db-1']);

    const create = fake.requests.find((r) => r.method === 'POST' && r.path === '/v1/servers')!;
    expect(create.body).toEqual({
      name: `snapshot-panel-drill-${snapshot.id}-1`,
      server_type: 'cx22',
      image: String(snapshot.id),
      location: 'fsn1',
      labels: drillServerLabels({ panelServerId: server.id, imageId: snapshot.id }),
      start_after_create: true,
      public_net: { enable_ipv4: false, enable_ipv6: true },
    });
    const run = (await panel.get<DrillRunStore>(DrillRunStore).get(1))!;
    expect(run).toMatchObject({
      status: 'passed',
      step: 'done',
      serverType: 'cx22',
      portResult: null,
      cost: 0.0062,
    });
    expect(run.bootSeconds).toBeGreaterThanOrEqual(20);
    expect(run.serverDeletedAt).not.toBeNull();
    expect(failures).toEqual([]);
    // The closing note's numbers: requests and simulated time of one drill.
    console.log(
      `drill timings: boot ${run.bootSeconds} s, whole drill ${Math.round(elapsedFakeMs / 1000)} s of fake time; ${fake.requests.length} requests:\n${calls().join('\n')}`,
    );
    expect(
      calls().filter((c) => !c.startsWith('GET /v1/actions') && !c.startsWith('GET /v1/servers/')),
    ).toEqual([
      'GET /v1/servers?label_selector=managed-by=snapshot-panel,snapshot-panel/kind=drill',
      'GET /v1/images/' + snapshot.id,
      'GET /v1/server_types',
      'GET /v1/pricing',
      'POST /v1/servers',
      `DELETE /v1/servers/${run.drillServerId}`,
    ]);

    const list = await agent.get('/drills');
    expect(list.text).toContain('passed');
  });

  it('with a port set, the drill server gets an IPv4 and the port must answer', async () => {
    const listener = net.createServer((socket) => socket.end());
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    const port = (listener.address() as net.AddressInfo).port;
    try {
      fake.setNewServers({ ipv4: '127.0.0.1' });
      const csrf = await csrfFrom(agent, '/drills');
      const saved = await agent
        .post('/drills/settings')
        .type('form')
        .send({ _csrf: csrf, port: String(port), schedule: 'off' });
      expect(saved.status).toBe(303);
      // Audited like every setting: who changed the drill settings, from what to what.
      const settingsPage = await agent.get('/settings');
      expect(settingsPage.text).toContain('Restore drill settings changed');
      const confirm = await agent.get(`/snapshots/${snapshot.id}/verify`);
      expect(confirm.text).toContain('with a public IPv4');
      await startDrill();
      const run = (await panel.get<DrillRunStore>(DrillRunStore).get(1))!;
      expect(run).toMatchObject({ status: 'passed', port, portResult: 'open' });
      const create = fake.requests.find((r) => r.method === 'POST' && r.path === '/v1/servers')!;
      expect((create.body as { public_net: unknown }).public_net).toEqual({
        enable_ipv4: true,
        enable_ipv6: true,
      });
    } finally {
      listener.close();
    }
  });

  it('a port that must be valid: the settings form refuses 70000 and keeps the old value', async () => {
    const csrf = await csrfFrom(agent, '/drills');
    const res = await agent
      .post('/drills/settings')
      .type('form')
      .send({ _csrf: csrf, port: '70000', schedule: 'weekly' });
    expect(res.status).toBe(400);
    expect(res.text).toContain('A port is a whole number from 1 to 65535');
    expect(await panel.get<DrillRunStore>(DrillRunStore).config()).toMatchObject({
      port: null,
      schedule: 'off',
    });
  });

  it('refusals on the verify page: an unknown snapshot or drill is a 404, another server’s a 409, Hetzner down a 503', async () => {
    expect((await agent.get('/snapshots/999999/verify')).status).toBe(404);
    expect((await agent.get('/drills/999999')).status).toBe(404);

    const others = fake.addImage({ serverId: fake.servers()[1].id, description: 'db nightly', labels: AUTO });
    const refused = await agent.get(`/snapshots/${others.id}/verify`);
    expect(refused.status).toBe(409);
    expect(refused.text).toContain(`Snapshot ${others.id} was not taken of this server`);
    expect(refused.text).toContain('href="/drills"');

    fake.failNext({ path: `/v1/servers/${server.id}`, status: 503, code: 'unavailable', times: 20 });
    const down = await agent.get(`/snapshots/${snapshot.id}/verify`);
    expect(down.status).toBe(503);
    expect(down.text).toContain('HTTP 503');
    expect(down.text).not.toContain('Start the drill');
    expect(fake.requests.filter((r) => r.method !== 'GET')).toEqual([]);
  });

  it('a drill whose server never becomes running: failed, loud, and the server is deleted all the same', async () => {
    fake.setNewServers({ boot: 'stuck' });
    const location = await startDrill();
    const page = await agent.get(location);
    expect(page.text).toContain(
      'The drill FAILED: The server made from the snapshot was not running after 10 minutes.',
    );
    expect(drillServers()).toEqual([]);
    expect(failures).toEqual([
      expect.objectContaining({ drillId: 1, imageId: snapshot.id, serverId: server.id, trigger: 'page' }),
    ]);
    const list = await agent.get('/drills');
    expect(list.text).toContain('The last restore drill FAILED');
    const snapshotsPage = await agent.get('/snapshots');
    expect(snapshotsPage.text).toContain('The last restore drill FAILED');
  });

  it("a create action that fails: the drill fails with Hetzner's reason and deletes what was created", async () => {
    fake.failActionsNext(1, { code: 'image_broken', message: 'the image could not be unpacked' });
    await startDrill();
    const run = (await panel.get<DrillRunStore>(DrillRunStore).get(1))!;
    expect(run.status).toBe('failed');
    expect(run.errorMessage).toBe(
      'Hetzner could not create the server from the snapshot: the image could not be unpacked.',
    );
    expect(drillServers()).toEqual([]);
  });

  it('a delete that keeps failing: the drill says so, doctor fails, and the next drill deletes it first', async () => {
    fake.failNext({
      method: 'DELETE',
      path: /^\/v1\/servers\/\d+$/,
      status: 503,
      code: 'unavailable',
      times: 6,
    });
    await startDrill();
    const store = panel.get<DrillRunStore>(DrillRunStore);
    const first = (await store.get(1))!;
    expect(first.status).toBe('failed');
    expect(first.errorMessage).toContain(`The drill server ${first.drillServerId} could not be deleted`);
    expect(drillServers().map((s) => s.id)).toEqual([first.drillServerId]);
    const checks = await panel.get<DoctorService>(DoctorService).run();
    expect(checks.find((c) => c.name === 'drill-servers')?.level).toBe('FAIL');

    await startDrill();
    expect(fake.requests.filter((r) => r.method === 'DELETE').map((r) => r.path)[0]).toBe(
      `/v1/servers/${first.drillServerId}`,
    );
    expect(drillServers()).toEqual([]);
    expect((await store.get(2))!.status).toBe('passed');
  });

  it('a limit error: its own sentence, one create request, no retry, nothing pruned', async () => {
    fake.setServerLimit(1, 2);
    await startDrill();
    const run = (await panel.get<DrillRunStore>(DrillRunStore).get(1))!;
    expect(run.status).toBe('failed');
    expect(run.errorMessage).toContain('The Hetzner project has reached its limit for servers');
    expect(run.errorMessage).toContain('The panel does not retry this.');
    expect(fake.requests.filter((r) => r.method === 'POST').length).toBe(1);
    expect(fake.requests.filter((r) => r.method === 'DELETE')).toEqual([]);
    expect(fake.images().length).toBe(1);
  });

  it('a crash in the middle of a drill: on restart the panel deletes its own drill servers, and only those', async () => {
    // What a panel killed mid-drill leaves: a run at step "booting" with its server's id, and the lease of a
    // process that is gone. Also a drill server created just before the crash whose id was never written down.
    const store = panel.get<DrillRunStore>(DrillRunStore);
    const recorded = fake.addServer({
      name: 'drill-recorded',
      labels: drillServerLabels({ panelServerId: server.id, imageId: snapshot.id }),
    });
    const unrecorded = fake.addServer({
      name: 'drill-unrecorded',
      labels: drillServerLabels({ panelServerId: server.id, imageId: snapshot.id }),
    });
    const othersDrill = fake.addServer({
      name: 'other-panels-drill',
      labels: drillServerLabels({ panelServerId: 99999, imageId: 5 }),
    });
    const lookalike = fake.addServer({ name: 'not-a-drill', labels: { 'managed-by': 'snapshot-panel' } });
    const init = {
      trigger: 'page' as const,
      actor: 'admin:admin',
      imageId: snapshot.id,
      imageSizeGb: 12,
      panelServerId: server.id,
      serverType: 'cx22',
      location: 'fsn1',
      port: null,
      estimatedMinutes: 5,
      estimatedCost: 0.0062,
      hourlyPrice: 0.0062,
      currency: 'EUR',
      startedAt: fake.now(),
    };
    const run = await store.started(init);
    await store.serverRecorded(run.id, recorded.id, fake.now());
    // A recorded id without the drill labels (a wrong record) must not be enough to delete a server.
    const wrong = await store.started(init);
    await store.serverRecorded(wrong.id, lookalike.id, fake.now());
    await panel
      .get<DataSource>(DataSource)
      .query(`INSERT INTO "leases" ("name", "owner", "acquired_at", "expires_at") VALUES (?, ?, ?, ?)`, [
        DRILL_LEASE,
        `${os.hostname()}:999999999:dead`,
        sqliteUtc(fake.now()),
        sqliteUtc(new Date(fake.now().getTime() + 600_000)),
      ]);
    fake.clearRequests();

    // The restart: a serving process on the same data folder cleans up first thing.
    const serving = await startPanel({
      env: {
        HCLOUD_ENDPOINT: fake.apiEndpoint,
        HCLOUD_METADATA_ENDPOINT: fake.metadataEndpoint,
        HCLOUD_TOKEN: TOKEN,
      },
      clock: { now: () => fake.now(), sleep: async (ms) => fake.advance(ms) },
      role: 'server',
      dataDir: panel.dataDir,
    });
    try {
      await serving.get<DrillService>(DrillService).whenStarted();
      const names = fake
        .servers()
        .map((s) => s.name)
        .sort();
      expect(names).toEqual(['db-1', 'not-a-drill', 'other-panels-drill', 'web-1'].sort());
      expect(
        fake.requests
          .filter((r) => r.method === 'DELETE')
          .map((r) => r.path)
          .sort(),
      ).toEqual([`/v1/servers/${recorded.id}`, `/v1/servers/${unrecorded.id}`].sort());
      expect(othersDrill.id).toBeGreaterThan(0);
      const after = (await store.get(run.id))!;
      expect(after).toMatchObject({ status: 'failed', step: 'done' });
      expect(after.errorMessage).toContain(`its server ${recorded.id} was deleted by the clean-up`);
      expect(after.serverDeletedAt).not.toBeNull();
      expect((await store.get(wrong.id))!.errorMessage).toContain(
        `the panel left server ${lookalike.id} alone`,
      );
    } finally {
      await serving.app.close();
    }
  });

  it('scheduled drills: off by default; monthly runs on the newest automatic snapshot, once a month', async () => {
    const drills = panel.get<DrillService>(DrillService);
    const store = panel.get<DrillRunStore>(DrillRunStore);
    expect(await drills.runScheduledIfDue()).toBeNull();
    expect(fake.requests).toEqual([]);
    const newer = fake.addImage({ serverId: server.id, description: 'newer', labels: AUTO });
    fake.addImage({
      serverId: server.id,
      description: 'manual, newest',
      labels: { 'managed-by': 'snapshot-panel', 'snapshot-panel/kind': 'manual' },
    });
    await store.saveConfig({ port: null, schedule: 'monthly', at: fake.now() });
    const run = await drills.runScheduledIfDue();
    expect(run).toMatchObject({ status: 'passed', trigger: 'schedule', imageId: newer.id });
    // Not due again within the month, whatever its outcome.
    fake.clearRequests();
    expect(await drills.runScheduledIfDue()).toBeNull();
    expect(fake.requests).toEqual([]);
  });

  it('snapshot-panel verify ID --json runs a drill from the command line', async () => {
    // The command runs on the real clock: move the fake's along so the 20-second create takes no real time.
    const ticker = setInterval(() => fake.advance(5_000), 10);
    const result = await runPanelCli(panel, ['verify', String(snapshot.id), '--json'], '', {
      HCLOUD_ENDPOINT: fake.apiEndpoint,
      HCLOUD_METADATA_ENDPOINT: fake.metadataEndpoint,
      HCLOUD_TOKEN: TOKEN,
    }).finally(() => clearInterval(ticker));
    expect(result.err).toBe('');
    expect(result.status).toBe(0);
    const json = JSON.parse(result.out) as { plan: { cost_text: string }; drill: { status: string } };
    expect(json.plan.cost_text).toContain('0.0062 EUR');
    expect(json.drill.status).toBe('passed');
    expect(drillServers()).toEqual([]);
  });
});
