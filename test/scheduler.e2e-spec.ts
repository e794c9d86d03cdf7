// One snapshot cycle end to end against the fake Hetzner API: what reached the API, what was recorded,
// and what the history page and the banners show. Time is simulated: sleeping advances the fake's clock.
import { DataSource } from 'typeorm';
import { SnapshotCycleService } from '../src/hetzner-snapshots/cycle/snapshot-cycle.service';
import { readDeleted } from '../src/hetzner-snapshots/cycle/cycle-run.store';
import { capturedLogLines, PanelHarness } from './support/panel-harness';
import {
  addAutoSnapshots,
  apiRequests,
  AUTO_LABELS,
  changeSettings,
  cycleRuns,
  DAY_MS,
  requestsOf,
  SchedulerWorld,
  simulatedClock,
  SimulatedClock,
  startSchedulerPanel,
  startWorld,
  TOKEN,
} from './support/scheduler-fixtures';

describe('snapshot cycle (e2e)', () => {
  let world: SchedulerWorld;
  let panel: PanelHarness;
  let clock: SimulatedClock;
  let cycles: SnapshotCycleService;

  beforeEach(async () => {
    world = await startWorld();
    clock = simulatedClock(world.fake);
    panel = await startSchedulerPanel(world, { clock });
    cycles = panel.get(SnapshotCycleService);
  });
  afterEach(async () => {
    await panel.close();
    await world.fake.close();
  });
  afterAll(() => {
    expect(capturedLogLines.join('\n')).not.toContain(TOKEN);
  });

  const createPath = () => `/v1/servers/${world.serverId}/actions/create_image`;

  it('takes a snapshot, waits for it, prunes past retention, and records it all with the request count', async () => {
    const [recent, ...old] = addAutoSnapshots(world, [1, 10, 11, 12, 13, 14]);
    // The page's cached list, which the cycle must mark stale.
    const db = panel.get<DataSource>(DataSource);
    await db.query(
      `INSERT INTO "snapshot_list_cache" ("server_id", "images_json", "fetched_at") VALUES (?, '[]', ?)`,
      [world.serverId, '2026-01-01 00:00:00.000'],
    );
    world.fake.clearRequests();

    const outcome = await cycles.runCycle({ trigger: 'cli' });

    expect(outcome.status).toBe('succeeded');
    const [run] = await cycleRuns(panel);
    expect(run).toMatchObject({
      status: 'succeeded',
      phase: 'done',
      trigger: 'cli',
      serverId: world.serverId,
      errorCode: null,
    });
    const create = requestsOf(world.fake, 'POST', createPath());
    expect(create).toHaveLength(1);
    expect(create[0].body).toEqual({
      type: 'snapshot',
      description: expect.stringMatching(/^web-1 auto \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      labels: { ...AUTO_LABELS, 'snapshot-panel/server': String(world.serverId) },
    });
    const made = world.fake.images().find((image) => image.id === run.imageId)!;
    expect(made).toMatchObject({ status: 'available', labels: AUTO_LABELS });
    expect(run.actionId).toBe(world.fake.actions().find((a) => a.command === 'create_image')!.id);

    // Newest 3 kept (the new one, 1 day, 10 days); the four older than 7 days deleted, oldest first.
    const deleted = readDeleted(run);
    expect(deleted.map((d) => d.id)).toEqual([old[4].id, old[3].id, old[2].id, old[1].id]);
    expect(deleted[0]).toMatchObject({
      description: 'web-1 auto 14d',
      reason: expect.stringContaining('older than 7 days'),
    });
    expect(requestsOf(world.fake, 'DELETE', /^\/v1\/images\/\d+$/).map((r) => r.path)).toEqual(
      deleted.map((d) => `/v1/images/${d.id}`),
    );
    expect(world.fake.images().map((i) => i.id)).toEqual(
      expect.arrayContaining([recent.id, old[0].id, made.id]),
    );
    expect(run.pruneNote).toContain('Deleted 4 snapshots past retention.');

    // Every request reached the fake and was counted: server, create, a few polls, the image, one list page, 4 deletes.
    const polls = requestsOf(world.fake, 'GET', `/v1/actions/${run.actionId}`).length;
    expect(polls).toBeGreaterThanOrEqual(1);
    expect(polls).toBeLessThanOrEqual(4);
    expect(requestsOf(world.fake, 'GET', '/v1/images')).toHaveLength(1);
    expect(requestsOf(world.fake, 'GET', '/v1/images')[0].query).toMatchObject({
      type: 'snapshot',
      label_selector: 'managed-by=snapshot-panel,snapshot-panel/kind=auto',
    });
    expect(run.requestCount).toBe(apiRequests(world.fake).length);
    expect(run.requestCount).toBe(1 + 1 + polls + 1 + 1 + 4);

    const [cache] = await db.query(`SELECT "fetched_at" FROM "snapshot_list_cache" WHERE "server_id" = ?`, [
      world.serverId,
    ]);
    expect(cache.fetched_at).toBeNull();

    const page = await (await panel.signedIn()).get('/history');
    expect(page.status).toBe(200);
    expect(page.text).toContain('badge badge-ok">Succeeded');
    expect(page.text).toContain(`image ${run.imageId}`);
    expect(page.text).toContain(`action ${run.actionId}`);
    expect(page.text).toContain('web-1 auto 14d');
    expect(page.text).toContain('older than 7 days');
    expect(page.text).toContain(`data-label="Requests" class="num">${run.requestCount}<`);
  });

  it('waits out a server locked by another action, then takes one snapshot', async () => {
    // A power action keeps the server busy for 5 s of fake time; the cycle's retries move time past it.
    const busy = await fetch(`${world.fake.apiEndpoint}/servers/${world.serverId}/actions/poweroff`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${TOKEN}` },
    });
    expect(busy.status).toBe(201);
    world.fake.clearRequests();

    const outcome = await cycles.runCycle({ trigger: 'schedule' });

    expect(outcome.status).toBe('succeeded');
    const attempts = requestsOf(world.fake, 'POST', createPath()).map((r) => r.status);
    expect(attempts.slice(0, -1).every((status) => status === 423)).toBe(true);
    expect(attempts.length).toBeGreaterThanOrEqual(2);
    expect(attempts[attempts.length - 1]).toBe(201);
    expect(clock.sleeps[0]).toBe(5_000);
    expect(world.fake.images().filter((i) => i.labels['snapshot-panel/kind'] === 'auto')).toHaveLength(1);
  });

  it('a passing fault reading the server name does not cost the snapshot; a wrong token still fails', async () => {
    const autos = () => world.fake.images().filter((i) => i.labels['snapshot-panel/kind'] === 'auto');
    world.fake.failNext({
      method: 'GET',
      path: `/v1/servers/${world.serverId}`,
      status: 401,
      code: 'unauthorized',
    });
    expect((await cycles.runCycle({ trigger: 'schedule' })).status).toBe('failed');
    expect(autos()).toHaveLength(0);

    world.fake.failNext({
      method: 'GET',
      path: `/v1/servers/${world.serverId}`,
      status: 500,
      code: 'server_error',
    });

    const outcome = await cycles.runCycle({ trigger: 'schedule' });

    expect(outcome.status).toBe('succeeded');
    const [image] = autos();
    expect(image.description).toMatch(new RegExp(`^server-${world.serverId} auto `));

    // The create_image answer named the server: the name is kept, and the next cycle does not ask for it.
    const serverReads = requestsOf(world.fake, 'GET', `/v1/servers/${world.serverId}`).length;
    expect((await cycles.runCycle({ trigger: 'schedule' })).status).toBe('succeeded');
    expect(requestsOf(world.fake, 'GET', `/v1/servers/${world.serverId}`)).toHaveLength(serverReads);
    expect(autos().map((i) => i.description)).toContainEqual(expect.stringMatching(/^web-1 auto /));
  });

  it('gives up on a server that stays locked, loudly, and takes nothing', async () => {
    world.fake.failNext({
      method: 'POST',
      path: createPath(),
      status: 423,
      code: 'locked',
      message: 'server is locked',
      times: 100,
    });

    const outcome = await cycles.runCycle({ trigger: 'schedule' });

    expect(outcome.status).toBe('failed');
    const [run] = await cycleRuns(panel);
    expect(run).toMatchObject({ status: 'failed', errorCode: 'locked', imageId: null });
    expect(run.errorMessage).toContain('stayed busy with another action (locked) for');
    expect(clock.sleeps.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(10 * 60_000);
    expect(requestsOf(world.fake, 'GET', '/v1/images')).toHaveLength(0);
  });

  it('an action that ends in error fails the run, and nothing is pruned', async () => {
    const old = addAutoSnapshots(world, [20, 21, 22, 23]);
    world.fake.failActionsNext(1, { code: 'image_failed', message: 'the disk could not be read' });

    const outcome = await cycles.runCycle({ trigger: 'schedule' });

    expect(outcome.status).toBe('failed');
    const [run] = await cycleRuns(panel);
    expect(run).toMatchObject({ status: 'failed', errorCode: 'image_failed' });
    expect(run.errorMessage).toContain('the disk could not be read');
    expect(run.pruneNote).toBe('Nothing was pruned: no new snapshot was confirmed in this cycle.');
    expect(requestsOf(world.fake, 'GET', '/v1/images')).toHaveLength(0);
    expect(requestsOf(world.fake, 'DELETE', /\/v1\/images\//)).toHaveLength(0);
    expect(world.fake.images().map((i) => i.id)).toEqual(expect.arrayContaining(old.map((i) => i.id)));

    // Loud: red on the history page and a banner on every page.
    const agent = await panel.signedIn();
    const history = await agent.get('/history');
    expect(history.text).toContain('badge badge-danger">Failed');
    expect(history.text).toMatch(/<p class="error">[^<]*the disk could not be read/);
    const account = await agent.get('/account');
    expect(account.text).toMatch(
      /alert alert-error" role="alert">The last automatic snapshot failed \([^)]*\): [^<]*the disk could not be read/,
    );
  });

  it('a listing that fails on page 2 deletes nothing and says why', async () => {
    addAutoSnapshots(
      world,
      Array.from({ length: 60 }, (_, i) => 30 + i),
    );
    world.fake.clearRequests();
    // The first list request passes untouched (the delay only consumes the script entry), the second fails.
    world.fake.failNext({ method: 'GET', path: '/v1/images', delayMs: 1 });
    world.fake.failNext({
      method: 'GET',
      path: '/v1/images',
      status: 500,
      code: 'server_error',
      message: 'page could not be loaded',
    });

    const outcome = await cycles.runCycle({ trigger: 'schedule' });

    expect(outcome.status).toBe('succeeded');
    const lists = requestsOf(world.fake, 'GET', '/v1/images');
    expect(lists.map((r) => [r.query.page, r.status])).toEqual([
      ['1', 200],
      ['2', 500],
    ]);
    expect(requestsOf(world.fake, 'DELETE', /\/v1\/images\//)).toHaveLength(0);
    const [run] = await cycleRuns(panel);
    expect(readDeleted(run)).toEqual([]);
    expect(run.pruneNote).toContain(
      'Nothing was deleted: the list of automatic snapshots could not be read completely',
    );
    const history = await (await panel.signedIn()).get('/history');
    expect(history.text).toContain('could not be read completely');
  });

  it('a rate limit is waited out until its reset, then the cycle completes', async () => {
    addAutoSnapshots(world, [20]);
    world.fake.failNext({
      method: 'POST',
      path: createPath(),
      status: 429,
      code: 'rate_limit_exceeded',
      message: 'limit reached',
      resetAfterSeconds: 40,
    });
    world.fake.failNext({
      method: 'GET',
      path: /^\/v1\/actions\/\d+$/,
      status: 429,
      code: 'rate_limit_exceeded',
      message: 'limit reached',
      resetAfterSeconds: 5,
    });

    const outcome = await cycles.runCycle({ trigger: 'schedule' });

    expect(outcome.status).toBe('succeeded');
    expect(requestsOf(world.fake, 'POST', createPath()).map((r) => r.status)).toEqual([429, 201]);
    expect(clock.sleeps[0]).toBeGreaterThanOrEqual(39_000);
    const [run] = await cycleRuns(panel);
    expect(run.status).toBe('succeeded');
    expect(run.requestCount).toBe(apiRequests(world.fake).length);
    expect(
      world.fake
        .images()
        .filter((i) => i.labels['snapshot-panel/kind'] === 'auto' && i.status === 'available'),
    ).toHaveLength(2);
  });

  it('never deletes manual, kept, external, protected or other servers’ snapshots, however old', async () => {
    await changeSettings(panel, { retentionDays: 1, keepMin: 1 });
    const other = world.fake.addServer({ name: 'db-1' });
    const ago = (days: number) => new Date(world.fake.now().getTime() - days * DAY_MS);
    const oldAuto = addAutoSnapshots(world, [30, 31]);
    const keep = [
      world.fake.addImage({
        serverId: world.serverId,
        labels: { 'managed-by': 'snapshot-panel', 'snapshot-panel/kind': 'manual' },
        created: ago(40),
      }),
      world.fake.addImage({
        serverId: world.serverId,
        labels: { 'managed-by': 'snapshot-panel', 'snapshot-panel/kind': 'kept' },
        created: ago(40),
      }),
      world.fake.addImage({
        serverId: world.serverId,
        labels: {},
        description: 'made in the console',
        created: ago(40),
      }),
      world.fake.addImage({
        serverId: world.serverId,
        labels: AUTO_LABELS,
        protected: true,
        created: ago(40),
      }),
      world.fake.addImage({ serverId: other.id, labels: AUTO_LABELS, created: ago(40) }),
      world.fake.addImage({
        serverId: world.serverId,
        labels: { ...AUTO_LABELS, 'snapshot-panel/kind': 'Auto' },
        created: ago(40),
      }),
    ];

    const outcome = await cycles.runCycle({ trigger: 'schedule' });

    expect(outcome.status).toBe('succeeded');
    const [run] = await cycleRuns(panel);
    expect(
      readDeleted(run)
        .map((d) => d.id)
        .sort(),
    ).toEqual(oldAuto.map((i) => i.id).sort());
    const remaining = world.fake.images().map((i) => i.id);
    for (const image of keep) expect(remaining).toContain(image.id);
    expect(requestsOf(world.fake, 'DELETE', /\/v1\/images\//)).toHaveLength(2);
  });

  it('a snapshot deleted or protected meanwhile is noted, not fatal', async () => {
    await changeSettings(panel, { keepMin: 1 });
    const [gone, guarded, plain] = addAutoSnapshots(world, [30, 31, 32]);
    world.fake.failNext({
      method: 'DELETE',
      path: `/v1/images/${gone.id}`,
      status: 404,
      code: 'not_found',
      message: 'image not found',
    });
    world.fake.failNext({
      method: 'DELETE',
      path: `/v1/images/${guarded.id}`,
      status: 423,
      code: 'protected',
      message: 'image is protected',
    });

    const outcome = await cycles.runCycle({ trigger: 'schedule' });

    expect(outcome.status).toBe('succeeded');
    const [run] = await cycleRuns(panel);
    expect(readDeleted(run).map((d) => d.id)).toEqual([plain.id]);
    expect(run.pruneNote).toContain(`Snapshot ${gone.id} was already gone.`);
    expect(run.pruneNote).toContain(
      `Snapshot ${guarded.id} was not deleted: The snapshot is protected against deletion`,
    );
  });

  it('two cycles started together make one snapshot; the second says another is running', async () => {
    const [first, second] = await Promise.all([
      cycles.runCycle({ trigger: 'cli' }),
      cycles.runCycle({ trigger: 'schedule' }),
    ]);

    expect([first.status, second.status].sort()).toEqual(['busy', 'succeeded']);
    expect([first, second].find((o) => o.status === 'busy')!.message).toContain(
      'Another snapshot cycle is running',
    );
    expect(requestsOf(world.fake, 'POST', createPath())).toHaveLength(1);
    expect(await cycleRuns(panel)).toHaveLength(1);
  });

  it('without a token the run fails with what to do, and no request is made', async () => {
    await panel.close();
    panel = await startSchedulerPanel(world, { clock, env: { HCLOUD_TOKEN: '' } });
    world.fake.clearRequests();

    const outcome = await panel.get<SnapshotCycleService>(SnapshotCycleService).runCycle({ trigger: 'cli' });

    expect(outcome.status).toBe('failed');
    expect(outcome.message).toContain('Paste a Read & Write token in Settings');
    const [run] = await cycleRuns(panel);
    expect(run).toMatchObject({ status: 'failed', errorCode: 'no_token', requestCount: 0 });
    expect(apiRequests(world.fake)).toHaveLength(0);
  });
});

describe('history page and warnings (e2e)', () => {
  let world: SchedulerWorld;
  let panel: PanelHarness;

  beforeEach(async () => {
    world = await startWorld();
    panel = await startSchedulerPanel(world);
  });
  afterEach(async () => {
    await panel.close();
    await world.fake.close();
  });

  it('says what to do when there is no run yet', async () => {
    const page = await (await panel.signedIn()).get('/history');
    expect(page.status).toBe(200);
    expect(page.text).toContain('No snapshot cycles yet');
    expect(page.text).toContain('snapshot-panel run');
    expect(page.text).toContain('Automatic snapshots are off.');
    expect(page.text).toContain('None while automatic snapshots are paused');
  });

  it('shows the next three runs in the server time zone and pages through many runs', async () => {
    await changeSettings(panel, { scheduleEnabled: true, frequency: 'daily@03:30' });
    const db = panel.get<DataSource>(DataSource);
    for (let i = 1; i <= 25; i++) {
      const started = `2026-11-${String(i).padStart(2, '0')} 02:30:00.000`;
      await db.query(
        `INSERT INTO "cycle_runs" ("trigger", "status", "phase", "started_at", "finished_at", "server_id", "image_id", "request_count") VALUES ('schedule', 'succeeded', 'done', ?, ?, ?, ?, 7)`,
        [started, started.replace('02:30:00', '02:31:10'), world.serverId, 9000 + i],
      );
    }
    const agent = await panel.signedIn();

    const first = await agent.get('/history');
    expect(first.text.match(/<li>\d+ \w{3} \d{4}, 03:30 CE(S)?T<\/li>/g)).toHaveLength(3);
    expect(first.text).toContain('daily at 03:30');
    expect(first.text).toContain('Last success');
    expect(first.text).toContain('25 Nov 2026, 03:31 CET (snapshot 9025)');
    expect(first.text).toContain('#25');
    expect(first.text).not.toContain('>#5<');
    expect(first.text).toContain('Page 1 of 2');
    expect(first.text).toContain('1 min 10 s');
    expect(first.text).toContain('href="/history?page&#x3D;2"'); // Handlebars escapes "="

    const second = await agent.get('/history?page=2');
    expect(second.text).toContain('>#5<');
    expect(second.text).toContain('href="/history?page&#x3D;1"');
    // A page number that is not one shows the first page.
    expect((await agent.get('/history?page=abc')).text).toContain('Page 1 of 2');
  });

  it('warns on every page when no automatic snapshot succeeded for more than two periods', async () => {
    const agent = await panel.signedIn();
    expect((await agent.get('/history')).text).not.toContain('No successful automatic snapshot');
    const longAgo = new Date(world.fake.now().getTime() - 2 * DAY_MS);
    await changeSettings(panel, { scheduleEnabled: true, frequency: '6h', updatedAt: longAgo });

    const page = await agent.get('/account');
    expect(page.text).toMatch(
      /alert alert-warning" role="status">No successful automatic snapshot for more than two periods \(every 6 hours\): none has succeeded yet\./,
    );

    // Switched off, the warning goes: nothing is expected of a schedule that is off.
    await changeSettings(panel, { scheduleEnabled: false });
    expect((await agent.get('/account')).text).not.toContain('No successful automatic snapshot');
  });
});
