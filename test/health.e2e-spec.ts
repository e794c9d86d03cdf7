import { SchedulerRegistry } from '@nestjs/schedule';
import { CronJob } from 'cron';
import { loadConfig } from '../src/config/app-config';
import { FakeHcloud } from '../src/fake-hcloud';
import { AUTO_SNAPSHOT_JOB } from '../src/hetzner-snapshots/cycle/schedule-runner.service';
import { CycleRun } from '../src/hetzner-snapshots/cycle/cycle-run.entity';
import { PanelSettings } from '../src/hetzner-snapshots/settings/panel-settings.entity';
import { HostState } from '../src/host/host-state.entity';
import { HEALTH_PROBE_KEY } from '../src/host/health/health.service';
import { capturedLogLines, PanelHarness, startPanel } from './support/panel-harness';

const TOKEN = 'health-test-token-0123456789abcdef';

describe('health endpoints (e2e)', () => {
  let fake: FakeHcloud;
  let panel: PanelHarness;

  beforeAll(async () => {
    fake = await FakeHcloud.start();
    fake.addToken(TOKEN);
    const server = fake.addServer({ name: 'web-1' });
    fake.setMetadata({ serverId: server.id });
  });
  afterAll(async () => {
    await fake.close();
    expect(capturedLogLines.join('\n')).not.toContain(TOKEN);
  });
  afterEach(async () => {
    await panel?.close();
  });

  const start = (env: Record<string, string> = {}) =>
    startPanel({
      env: { HCLOUD_ENDPOINT: fake.apiEndpoint, HCLOUD_METADATA_ENDPOINT: fake.metadataEndpoint, ...env },
    });

  /** Nothing a stranger may learn: the token, the data folder, the key. */
  function expectNoSecrets(text: string) {
    expect(text).not.toContain(TOKEN);
    expect(text).not.toContain(panel.dataDir);
    expect(text).not.toMatch(/secret|sqlite/i);
  }

  it('GET /healthz answers without a session: process up, database written, nothing secret', async () => {
    panel = await start({ HCLOUD_TOKEN: TOKEN });
    const res = await panel.anonymous().get('/healthz');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toEqual({
      status: 'ok',
      checks: { process: { status: 'ok', uptimeSeconds: expect.any(Number) }, database: { status: 'ok' } },
    });
    expectNoSecrets(res.text);
    // The check really wrote a row (a write that is rolled back proves nothing about the disk).
    const row = await panel.rt.dataSource.getRepository(HostState).findOneByOrFail({ key: HEALTH_PROBE_KEY });
    expect(Date.parse(row.value)).not.toBeNaN();
  });

  it('GET /healthz answers 503 when the database cannot be written, without the details', async () => {
    panel = await start();
    // better-sqlite3 keeps one connection: this makes every write on it fail like a read-only disk.
    await panel.rt.dataSource.query('PRAGMA query_only = ON');
    try {
      const res = await panel.anonymous().get('/healthz');
      expect(res.status).toBe(503);
      expect(res.body.status).toBe('error');
      expect(res.body.checks.database).toEqual({
        status: 'error',
        message: 'the database could not be written',
      });
      expectNoSecrets(res.text);
      expect(panel.logs.join('\n')).toMatch(/level=error context=Health database write check failed/);
    } finally {
      await panel.rt.dataSource.query('PRAGMA query_only = OFF');
    }
  });

  it('GET /readyz: 503 with reasons until a token is set, the schedule is on and its job runs; a failed cycle makes it 503 again', async () => {
    panel = await start({ HCLOUD_TOKEN: TOKEN });
    // The reasons and checks are for a signed-in admin (or a monitor with HEALTH_TOKEN, below).
    const agent = await panel.signedIn();

    let res = await agent.get('/readyz');
    expect(res.status).toBe(503);
    expect(res.body.status).toBe('not_ready');
    expect(res.body.reasons).toContain('automatic snapshots are turned off in Settings');
    expect(res.body.checks.settings).toEqual({
      status: 'error',
      tokenConfigured: true,
      scheduleEnabled: false,
    });

    await panel.rt.dataSource.getRepository(PanelSettings).update({ id: 1 }, { scheduleEnabled: true });
    res = await agent.get('/readyz');
    expect(res.status).toBe(503);
    expect(res.body.reasons).toEqual(['the snapshot schedule is not running (no started cron job)']);

    // Stand-in for the scheduler's own job: readiness only asks whether the plugin's job is started.
    const registry = panel.get<SchedulerRegistry>(SchedulerRegistry);
    const job = new CronJob('0 0 1 1 *', () => undefined, null, true, 'UTC');
    registry.addCronJob(AUTO_SNAPSHOT_JOB, job as never);
    try {
      res = await agent.get('/readyz');
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        status: 'ready',
        reasons: [],
        checks: { scheduler: { status: 'ok', running: true } },
      });

      const runs = panel.rt.dataSource.getRepository(CycleRun);
      await runs.insert({
        trigger: 'schedule',
        status: 'failed',
        phase: 'creating',
        startedAt: new Date(),
        serverId: 1,
        errorCode: 'locked',
        errorMessage: `details only for the admin ${panel.dataDir}`,
      });
      res = await agent.get('/readyz');
      expect(res.status).toBe(503);
      expect(res.body.reasons).toEqual([
        expect.stringMatching(/^the last snapshot cycle \(#\d+\) failed \(locked\)$/),
      ]);
      expect(res.body.checks.lastCycle).toMatchObject({
        status: 'error',
        outcome: 'failed',
        errorCode: 'locked',
      });
      expect(res.text).not.toContain('details only for the admin');
      expectNoSecrets(res.text);

      await runs.insert({
        trigger: 'schedule',
        status: 'succeeded',
        phase: 'done',
        startedAt: new Date(Date.now() + 1000),
        finishedAt: new Date(Date.now() + 2000),
        serverId: 1,
      });
      expect((await agent.get('/readyz')).status).toBe(200);
    } finally {
      registry.deleteCronJob(AUTO_SNAPSHOT_JOB);
    }
  });

  it('GET /readyz names a missing token', async () => {
    panel = await start();
    const res = await (await panel.signedIn()).get('/readyz');
    expect(res.status).toBe(503);
    expect(res.body.reasons).toContain('no Hetzner Cloud API token is set');
  });

  it('GET /readyz tells a stranger only its status and HTTP code, not whether a token is set or why it is not ready', async () => {
    panel = await start();
    const res = await panel.anonymous().get('/readyz');
    expect(res.status).toBe(503);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toEqual({ status: 'not_ready' });
    expect(res.text).not.toMatch(/token|schedule|errorCode|reasons/i);
  });

  it('GET /readyz shows its details to a monitor that sends HEALTH_TOKEN, and to nobody with another token', async () => {
    const monitorToken = 'monitor-token-0123456789abcdefghijklmnop';
    panel = await start({ HEALTH_TOKEN: monitorToken });
    const anonymous = panel.anonymous();
    const withToken = await anonymous.get('/readyz').set('Authorization', `Bearer ${monitorToken}`);
    expect(withToken.status).toBe(503);
    expect(withToken.body.reasons).toContain('no Hetzner Cloud API token is set');
    for (const wrong of [
      `Bearer ${monitorToken}x`,
      `Bearer ${monitorToken.slice(0, -1)}`,
      monitorToken,
      'Bearer',
    ])
      expect((await anonymous.get('/readyz').set('Authorization', wrong)).body).toEqual({
        status: 'not_ready',
      });
    expect(capturedLogLines.join('\n')).not.toContain(monitorToken);
  });

  it('refuses a HEALTH_TOKEN that is too short to be a secret, without printing it', () => {
    expect(() => loadConfig({ DATA_DIR: '/tmp/x', HEALTH_TOKEN: 'short-token' })).toThrow(
      /HEALTH_TOKEN=\(hidden\): must be 32 to 256 letters/,
    );
  });
});
