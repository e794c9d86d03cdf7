// `snapshot-panel run | prune | status` against the fake Hetzner API, on a real data folder, as an admin
// would type them; and the lease that keeps two of them (or one and the server) from working at once.
import * as fs from 'node:fs';
import { SnapshotCycleService } from '../src/hetzner-snapshots/cycle/snapshot-cycle.service';
import { makeDataDir, PanelHarness } from './support/panel-harness';
import {
  addAutoSnapshots,
  AUTO_LABELS,
  cli,
  DAY_MS,
  hangingClock,
  requestsOf,
  SchedulerWorld,
  startSchedulerPanel,
  startWorld,
  TOKEN,
} from './support/scheduler-fixtures';

describe('scheduler CLI (e2e)', () => {
  let world: SchedulerWorld;
  let dataDir: string;
  let env: Record<string, string>;

  beforeEach(async () => {
    // Short actions: the CLI uses the real clock, so the first poll (after 1 s) finds the snapshot done.
    world = await startWorld({ actionDurationMs: 200 });
    dataDir = makeDataDir();
    env = { ...world.env, DATA_DIR: dataDir };
  });
  afterEach(async () => {
    await world.fake.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const createPath = () => `/v1/servers/${world.serverId}/actions/create_image`;

  it('run takes a snapshot and prunes; status shows it', async () => {
    const old = addAutoSnapshots(world, [10, 11, 12, 13]);

    const run = await cli(['run'], env);

    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Cycle #1 succeeded: Snapshot \d+ is available; 2 old snapshots deleted\./);
    expect(world.fake.images().map((i) => i.id)).not.toContain(old[3].id);
    // With no server to run it, the one-time label backfill ran after the cycle: the two left got the label.
    expect(run.stdout).toContain(
      'Gave 2 existing snapshot(s) of this server the snapshot-panel/server label (once).',
    );
    for (const image of world.fake.images())
      expect(image.labels['snapshot-panel/server']).toBe(String(world.serverId));

    const status = await cli(['status', '--json'], env);
    expect(status.code).toBe(0);
    const json = JSON.parse(status.stdout);
    expect(json.server).toEqual({ id: world.serverId, name: null, problem: null });
    expect(json.schedule).toMatchObject({
      enabled: false,
      frequency: '6h',
      description: 'every 6 hours',
      timeZone: 'Europe/Berlin',
      nextRuns: [],
    });
    expect(json.schedule.pausedReason).toContain('Automatic snapshots are off');
    expect(json.lastSuccess).toMatchObject({ id: 1, trigger: 'cli', status: 'succeeded' });
    expect(json.lastRuns[0].deleted.map((d: { id: number }) => d.id)).toEqual([old[3].id, old[2].id]);

    const text = await cli(['status'], env);
    expect(text.stdout).toContain(`Server:              ${world.serverId}`);
    expect(text.stdout).toContain('Automatic snapshots: paused: Automatic snapshots are off.');
    expect(text.stdout).toMatch(/#1 {2}succeeded/);
  });

  it('run exits 1 with the reason on standard error when the snapshot fails', async () => {
    world.fake.failActionsNext(1, { code: 'image_failed', message: 'the disk could not be read' });

    const run = await cli(['run'], env);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain('Cycle #1 failed: Hetzner reported that the create_image action');
    expect(run.stderr).toContain('the disk could not be read');
    expect(run.stderr).not.toContain(TOKEN);
  });

  it('two run commands at once make one snapshot; the other says another cycle is running', async () => {
    expect((await cli(['status'], env)).code).toBe(0); // migrate the new data folder first

    const results = await Promise.all([cli(['run'], env), cli(['run'], env)]);

    expect(results.map((r) => r.code).sort()).toEqual([0, 1]);
    expect(results.find((r) => r.code === 1)!.stderr).toContain(
      'did not start: Another snapshot cycle is running',
    );
    expect(requestsOf(world.fake, 'POST', createPath())).toHaveLength(1);
  });

  it('run refuses while the server is in the middle of a cycle', async () => {
    const frozen = hangingClock(world.fake);
    const panel: PanelHarness = await startSchedulerPanel(world, { clock: frozen, dataDir });
    const serverCycle = panel
      .get<SnapshotCycleService>(SnapshotCycleService)
      .runCycle({ trigger: 'schedule' });
    await frozen.firstSleep;

    const run = await cli(['run'], env);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain('Another snapshot cycle is running');
    expect(requestsOf(world.fake, 'POST', createPath())).toHaveLength(1);
    await panel.app.close();
    await serverCycle;
  });

  it('prune --dry-run shows what would go and why, and changes nothing', async () => {
    const now = world.fake.now().getTime();
    const old = addAutoSnapshots(world, [1, 2, 3, 20, 21]);
    const manual = world.fake.addImage({
      serverId: world.serverId,
      labels: { ...AUTO_LABELS, 'snapshot-panel/kind': 'manual' },
      created: new Date(now - 40 * DAY_MS),
    });
    const other = world.fake.addServer({ name: 'db-1' });
    const foreign = world.fake.addImage({
      serverId: other.id,
      labels: AUTO_LABELS,
      created: new Date(now - 40 * DAY_MS),
    });

    const json = await cli(['prune', '--dry-run', '--json'], env);

    expect(json.code).toBe(0);
    const plan = JSON.parse(json.stdout);
    expect(plan).toMatchObject({
      serverId: world.serverId,
      listingComplete: true,
      toDelete: [old[4].id, old[3].id],
    });
    expect(plan.decisions.find((d: { id: number }) => d.id === old[3].id)).toMatchObject({
      action: 'delete',
      reason: 'past-retention',
      description: 'web-1 auto 20d',
    });
    // Another server's automatic snapshot is not this server's to judge: filtered out before planning.
    expect(plan.decisions.map((d: { id: number }) => d.id)).not.toContain(foreign.id);
    expect(plan.decisions.map((d: { id: number }) => d.id)).not.toContain(manual.id);

    const text = await cli(['prune', '--dry-run'], env);
    expect(text.stdout).toContain('retention would delete 2 snapshot(s) now (dry run, nothing was changed)');
    expect(text.stdout).toContain('web-1 auto 21d');
    expect(text.stdout).toContain('older than 7 days');

    expect(requestsOf(world.fake, 'DELETE', /\/v1\/images\//)).toHaveLength(0);
    expect(world.fake.images()).toHaveLength(7);
  });

  it('prune carries the plan out under the lease and records it; an incomplete listing deletes nothing', async () => {
    const old = addAutoSnapshots(world, [1, 2, 3, 20, 21]);

    const pruned = await cli(['prune'], env);

    expect(pruned.code).toBe(0);
    expect(pruned.stdout).toContain('Prune #1 succeeded: Deleted 2 snapshots past retention.');
    expect(requestsOf(world.fake, 'DELETE', /\/v1\/images\//).map((r) => r.path)).toEqual([
      `/v1/images/${old[4].id}`,
      `/v1/images/${old[3].id}`,
    ]);
    expect(requestsOf(world.fake, 'POST', createPath())).toHaveLength(0);

    addAutoSnapshots(world, [30]);
    world.fake.clearRequests();
    world.fake.failNext({
      method: 'GET',
      path: '/v1/images',
      status: 500,
      code: 'server_error',
      message: 'try later',
    });
    const refused = await cli(['prune'], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      'Nothing was deleted: the list of automatic snapshots could not be read completely',
    );
    expect(requestsOf(world.fake, 'DELETE', /\/v1\/images\//)).toHaveLength(0);

    const status = JSON.parse((await cli(['status', '--json'], env)).stdout);
    expect(
      status.lastRuns.map((r: { trigger: string; status: string }) => `${r.trigger}:${r.status}`),
    ).toEqual(['prune:failed', 'prune:succeeded']);
    // A prune is not an automatic snapshot.
    expect(status.lastSuccess).toBeNull();
  });
});
