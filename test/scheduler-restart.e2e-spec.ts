// Timing and restart safety: the cron job follows the saved settings without a restart, a cycle cut off by
// a restart is resumed from its recorded action (no second snapshot), and a run missed while the panel was
// down is caught up soon after start.
import { SchedulerRegistry } from '@nestjs/schedule';
import * as fs from 'node:fs';
import { DataSource } from 'typeorm';
import {
  AUTO_SNAPSHOT_JOB,
  ScheduleRunnerService,
} from '../src/hetzner-snapshots/cycle/schedule-runner.service';
import { SnapshotCycleService } from '../src/hetzner-snapshots/cycle/snapshot-cycle.service';
import { stableOffsetMinutes } from '../src/hetzner-snapshots/schedule/schedule-spread';
import { parseFrequency, toCronExpression } from '../src/hetzner-snapshots/schedule/snapshot-schedule';
import { PanelHarness, startPanel } from './support/panel-harness';
import {
  addAutoSnapshots,
  AUTO_LABELS,
  changeSettings,
  cli,
  cycleRuns,
  hangingClock,
  requestsOf,
  SchedulerWorld,
  simulatedClock,
  startSchedulerPanel,
  startWorld,
  TOKEN,
} from './support/scheduler-fixtures';

/** "HH:mm" in Europe/Berlin, the harness's TZ. */
const berlinTime = (date: Date) =>
  new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Europe/Berlin',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(date);

describe('schedule follows the settings (e2e)', () => {
  let world: SchedulerWorld;
  let panel: PanelHarness;

  afterEach(async () => {
    await panel.close();
    await world.fake.close();
  });

  it('creates, moves and removes the cron job as settings change, without a restart', async () => {
    world = await startWorld();
    panel = await startSchedulerPanel(world);
    await panel.get<ScheduleRunnerService>(ScheduleRunnerService).whenStarted();
    const registry = panel.get<SchedulerRegistry>(SchedulerRegistry);
    expect(registry.doesExist('cron', AUTO_SNAPSHOT_JOB)).toBe(false);

    await changeSettings(panel, { scheduleEnabled: true, frequency: 'daily@03:30' });
    const job = registry.getCronJob(AUTO_SNAPSHOT_JOB);
    expect(job.isActive).toBe(true);
    expect(job.cronTime.source).toBe('30 3 * * *');
    const daily = job.nextDate().setZone('Europe/Berlin');
    expect([daily.hour, daily.minute]).toEqual([3, 30]);

    await changeSettings(panel, { frequency: 'weekly@wed@04:15' });
    const moved = registry.getCronJob(AUTO_SNAPSHOT_JOB);
    const weekly = moved.nextDate().setZone('Europe/Berlin');
    expect([weekly.weekday, weekly.hour, weekly.minute]).toEqual([3, 4, 15]);
    expect(moved.isActive).toBe(true);

    await changeSettings(panel, { scheduleEnabled: false });
    expect(registry.doesExist('cron', AUTO_SNAPSHOT_JOB)).toBe(false);
  });

  it('picks up a schedule saved by a CLI command in another process, without a restart', async () => {
    world = await startWorld();
    panel = await startSchedulerPanel(world);
    const registry = panel.get<SchedulerRegistry>(SchedulerRegistry);
    expect(registry.doesExist('cron', AUTO_SNAPSHOT_JOB)).toBe(false);

    const result = await cli(['schedule', 'set', '--enabled', 'true', '--frequency', 'daily@02:15'], {
      ...world.env,
      DATA_DIR: panel.dataDir,
    });
    expect(result.code).toBe(0);
    // The CLI's event stays in its own process; the server notices the saved row on its next look.
    expect(registry.doesExist('cron', AUTO_SNAPSHOT_JOB)).toBe(false);
    await panel.get<ScheduleRunnerService>(ScheduleRunnerService).rescheduleIfSettingsChanged();
    expect(registry.getCronJob(AUTO_SNAPSHOT_JOB).cronTime.source).toBe('15 2 * * *');
  });

  it('spreads an hourly schedule by the server’s stable offset', async () => {
    world = await startWorld({ env: { SCHEDULE_SPREAD_MINUTES: '45' } });
    panel = await startSchedulerPanel(world);
    await changeSettings(panel, { scheduleEnabled: true, frequency: '6h' });
    const expected = toCronExpression(parseFrequency('6h'), stableOffsetMinutes(world.serverId, 45));
    expect(
      panel.get<SchedulerRegistry>(SchedulerRegistry).getCronJob(AUTO_SNAPSHOT_JOB).cronTime.source,
    ).toBe(expected);
  });

  it('stays paused without a token, even when switched on', async () => {
    world = await startWorld({ env: { HCLOUD_TOKEN: '' } });
    panel = await startSchedulerPanel(world);
    await changeSettings(panel, { scheduleEnabled: true, frequency: '6h' });
    expect(panel.get<SchedulerRegistry>(SchedulerRegistry).doesExist('cron', AUTO_SNAPSHOT_JOB)).toBe(false);
    const agent = await panel.signedIn();
    expect((await agent.get('/history')).text).toContain(
      'No Hetzner Cloud API token is set, so automatic snapshots are paused.',
    );
    // Switched on but not running is said on every page.
    expect((await agent.get('/account')).text).toMatch(
      /alert alert-warning" role="status">No Hetzner Cloud API token is set, so automatic snapshots are paused\./,
    );
  });

  it('a CLI context never starts the timer', async () => {
    world = await startWorld();
    panel = await startSchedulerPanel(world);
    await changeSettings(panel, { scheduleEnabled: true, frequency: '6h' });
    const dataDir = panel.dataDir;
    await panel.app.close();
    panel = await startPanel({ env: world.env, dataDir, role: 'cli', clock: simulatedClock(world.fake) });
    await panel.get<ScheduleRunnerService>(ScheduleRunnerService).reschedule();
    expect(panel.get<SchedulerRegistry>(SchedulerRegistry).doesExist('cron', AUTO_SNAPSHOT_JOB)).toBe(false);
  });
});

describe('restart safety (e2e)', () => {
  let world: SchedulerWorld;
  let panel: PanelHarness | null = null;

  afterEach(async () => {
    await panel?.close();
    panel = null;
    await world.fake.close();
  });

  it('a cycle cut off by a restart is resumed on the same action: no second snapshot', async () => {
    world = await startWorld({ actionDurationMs: 60_000 });
    const old = addAutoSnapshots(world, [20, 21, 22, 23]);
    const frozen = hangingClock(world.fake);
    const first = await startSchedulerPanel(world, { clock: frozen });
    const dataDir = first.dataDir;

    const cut = first.get<SnapshotCycleService>(SnapshotCycleService).runCycle({ trigger: 'schedule' });
    await frozen.firstSleep; // now waiting on the snapshot action
    const [running] = await cycleRuns(first);
    expect(running).toMatchObject({ status: 'running', phase: 'waiting' });
    expect(running.actionId).not.toBeNull();

    await first.app.close(); // a stop (systemd restart); the data folder stays
    expect((await cut).status).toBe('interrupted');
    expect(fs.existsSync(dataDir)).toBe(true);

    panel = await startSchedulerPanel(world, { dataDir });
    await panel.get<ScheduleRunnerService>(ScheduleRunnerService).whenStarted();

    const [resumed] = await cycleRuns(panel);
    expect(resumed).toMatchObject({
      id: running.id,
      status: 'succeeded',
      trigger: 'resume',
      actionId: running.actionId,
      imageId: running.imageId,
    });
    expect(requestsOf(world.fake, 'POST', `/v1/servers/${world.serverId}/actions/create_image`)).toHaveLength(
      1,
    );
    expect(requestsOf(world.fake, 'GET', `/v1/actions/${running.actionId}`).length).toBeGreaterThanOrEqual(2);
    // One new snapshot; the resumed run went on to prune as usual (newest 3 kept, the two oldest deleted).
    expect(world.fake.images().map((i) => i.id)).toEqual([old[0].id, old[1].id, running.imageId]);
    expect(resumed.requestCount).toBeGreaterThan(running.requestCount);
  });

  it('after a crash, a run is resumed once its holder’s lease has expired, and left alone while it has not', async () => {
    world = await startWorld({ actionDurationMs: 30_000 });
    const clock = simulatedClock(world.fake);
    panel = await startSchedulerPanel(world, { clock });
    // What a crashed process leaves: a started snapshot, its run row, and its lease.
    const started = await fetch(`${world.fake.apiEndpoint}/servers/${world.serverId}/actions/create_image`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ type: 'snapshot', description: 'web-1 auto', labels: AUTO_LABELS }),
    });
    const { image, action } = (await started.json()) as { image: { id: number }; action: { id: number } };
    const db = panel.get<DataSource>(DataSource);
    const at = (ms: number) =>
      new Date(world.fake.now().getTime() + ms).toISOString().replace('T', ' ').replace('Z', '');
    await db.query(
      `INSERT INTO "cycle_runs" ("trigger", "status", "phase", "started_at", "server_id", "image_id", "action_id", "request_count") VALUES ('schedule', 'running', 'waiting', ?, ?, ?, ?, 3)`,
      [at(-60_000), world.serverId, image.id, action.id],
    );
    await db.query(
      `INSERT INTO "leases" ("name", "owner", "acquired_at", "expires_at") VALUES ('hetzner-snapshots.cycle', 'crashed-host:4242:dead', ?, ?)`,
      [at(-60_000), at(5 * 60_000)],
    );
    const cycles = panel.get<SnapshotCycleService>(SnapshotCycleService);

    // The crashed holder's lease still runs: nothing may touch its run.
    expect(await cycles.resumeInterrupted()).toEqual([]);
    expect((await cycles.runCycle({ trigger: 'cli' })).status).toBe('busy');
    expect((await cycleRuns(panel))[0].status).toBe('running');

    world.fake.advance(6 * 60_000);
    const outcomes = await cycles.resumeInterrupted();
    expect(outcomes.map((o) => o.status)).toEqual(['succeeded']);
    const [run] = await cycleRuns(panel);
    expect(run).toMatchObject({
      status: 'succeeded',
      trigger: 'resume',
      imageId: image.id,
      actionId: action.id,
    });
    expect(requestsOf(world.fake, 'POST', `/v1/servers/${world.serverId}/actions/create_image`)).toHaveLength(
      1,
    );
  });

  it('a run whose action Hetzner no longer knows is marked interrupted with the reason', async () => {
    world = await startWorld();
    panel = await startSchedulerPanel(world);
    const db = panel.get<DataSource>(DataSource);
    await db.query(
      `INSERT INTO "cycle_runs" ("trigger", "status", "phase", "started_at", "server_id", "image_id", "action_id") VALUES ('schedule', 'running', 'waiting', '2026-11-20 03:30:00.000', ?, 999999, 888888)`,
      [world.serverId],
    );
    await db.query(
      `INSERT INTO "cycle_runs" ("trigger", "status", "phase", "started_at", "server_id") VALUES ('cli', 'running', 'creating', '2026-11-20 04:30:00.000', ?)`,
      [world.serverId],
    );

    const outcomes = await panel.get<SnapshotCycleService>(SnapshotCycleService).resumeInterrupted();

    expect(outcomes.map((o) => o.status)).toEqual(['interrupted', 'interrupted']);
    const [forgotten, early] = await cycleRuns(panel);
    expect(forgotten.errorMessage).toContain('Hetzner no longer knows its action 888888');
    expect(early.errorMessage).toContain('before Hetzner confirmed a snapshot request (phase creating)');
    const history = await (await panel.signedIn()).get('/history');
    expect(history.text).toContain('badge badge-warn">Interrupted');
  });

  it('catches up a run missed while the panel was down, soon after start', async () => {
    world = await startWorld();
    const first = await startSchedulerPanel(world);
    // Daily, at a time 12 hours away, so the next scheduled run is far off and cannot stand in for the catch-up.
    const inTwelveHours = berlinTime(new Date(world.fake.now().getTime() + 12 * 3_600_000));
    await changeSettings(first, { scheduleEnabled: true, frequency: `daily@${inTwelveHours}` });
    const db = first.get<DataSource>(DataSource);
    await db.query(
      `INSERT INTO "cycle_runs" ("trigger", "status", "phase", "started_at", "finished_at", "server_id", "image_id") VALUES ('schedule', 'succeeded', 'done', ?, ?, ?, 1)`,
      ['2026-01-01 03:30:00.000', '2026-01-01 03:35:00.000', world.serverId],
    );
    const dataDir = first.dataDir;
    await first.app.close();

    const clock = simulatedClock(world.fake);
    panel = await startSchedulerPanel(world, { dataDir, clock });
    await panel.get<ScheduleRunnerService>(ScheduleRunnerService).whenStarted();

    const runs = await cycleRuns(panel);
    expect(runs.map((r) => [r.trigger, r.status])).toEqual([
      ['schedule', 'succeeded'],
      ['catch-up', 'succeeded'],
    ]);
    expect(clock.sleeps[0]).toBe(60_000);
  });

  it('does not catch up when a snapshot succeeded within the period', async () => {
    world = await startWorld();
    const first = await startSchedulerPanel(world);
    await changeSettings(first, { scheduleEnabled: true, frequency: 'daily@03:30' });
    await first.get<SnapshotCycleService>(SnapshotCycleService).runCycle({ trigger: 'cli' });
    const dataDir = first.dataDir;
    await first.app.close();

    panel = await startSchedulerPanel(world, { dataDir });
    await panel.get<ScheduleRunnerService>(ScheduleRunnerService).whenStarted();

    expect((await cycleRuns(panel)).map((r) => r.trigger)).toEqual(['cli']);
  });
});
