// /metrics: off (404) without METRICS_TOKEN; with it, 401 without or with a wrong bearer token (no session
// helps), and with the token the Prometheus text: last success, next run, outcome counts by code, the
// panel's own snapshots, Hetzner requests by endpoint class, RateLimit-Remaining, drills, delivery failures.
import { EventEmitter2 } from '@nestjs/event-emitter';
import { DRILL_FAILED_EVENT } from '../src/hetzner-snapshots/notifications/notification.events';
import { SnapshotCycleService } from '../src/hetzner-snapshots/cycle/snapshot-cycle.service';
import { SnapshotListStore } from '../src/hetzner-snapshots/snapshot-list/snapshot-list.store';
import { SnapshotListingService } from '../src/hetzner-snapshots/snapshots/snapshot-listing.service';
import { addChannelRow, flushNotifications } from './support/notification-fixtures';
import { capturedLogLines, PanelHarness } from './support/panel-harness';
import {
  addAutoSnapshots,
  changeSettings,
  SchedulerWorld,
  startSchedulerPanel,
  startWorld,
  TOKEN,
} from './support/scheduler-fixtures';

const METRICS_TOKEN = 'metrics-token-6f1d2c3b4a5e6f7a8b9c0d1e2f3a4b5c';

describe('/metrics (e2e)', () => {
  let world: SchedulerWorld;
  let panel: PanelHarness;

  beforeEach(async () => {
    world = await startWorld();
  });
  afterEach(async () => {
    await panel.close();
    await world.fake.close();
  });
  afterAll(() => {
    const logs = capturedLogLines.join('\n');
    expect(logs).not.toContain(METRICS_TOKEN);
    expect(logs).not.toContain(TOKEN);
  });

  it('is off until METRICS_TOKEN is set: 404, even for a signed-in admin', async () => {
    panel = await startSchedulerPanel(world);
    expect((await panel.anonymous().get('/metrics')).status).toBe(404);
    expect(
      (await panel.anonymous().get('/metrics').set('Authorization', `Bearer ${METRICS_TOKEN}`)).status,
    ).toBe(404);
    expect((await (await panel.signedIn()).get('/metrics')).status).toBe(404);
  });

  it('with METRICS_TOKEN: 401 without it or with a wrong one (a session does not help), 200 with it', async () => {
    panel = await startSchedulerPanel(world, {
      env: { METRICS_TOKEN, WEBHOOK_ALLOW_PRIVATE_ADDRESSES: 'true' },
    });
    const none = await panel.anonymous().get('/metrics');
    expect(none.status).toBe(401);
    expect(none.headers['www-authenticate']).toMatch(/^Bearer /);
    expect(
      (await panel.anonymous().get('/metrics').set('Authorization', `Bearer ${METRICS_TOKEN}x`)).status,
    ).toBe(401);
    expect((await panel.anonymous().get('/metrics').set('Authorization', METRICS_TOKEN)).status).toBe(401);
    expect((await (await panel.signedIn()).get('/metrics')).status).toBe(401);

    // Something to measure: one failed and one good cycle, a drill, a channel that cannot be reached.
    addAutoSnapshots(world, [2, 1], { imageSize: 2.5 });
    await changeSettings(panel, { scheduleEnabled: true, frequency: '6h' });
    await addChannelRow(panel, { name: 'Down', url: 'http://127.0.0.1:9/nobody' });
    const cycles = panel.get<SnapshotCycleService>(SnapshotCycleService);
    world.fake.failActionsNext(1, { code: 'image_failed', message: 'disk unreadable' });
    await cycles.runCycle({ trigger: 'schedule' });
    await flushNotifications(panel);
    await cycles.runCycle({ trigger: 'schedule' });
    await flushNotifications(panel);
    // The cached list the snapshot metrics read (as the snapshots page or `snapshot list` fill it).
    await panel.get<SnapshotListingService>(SnapshotListingService).freshListing();
    panel.get<EventEmitter2>(EventEmitter2).emit(DRILL_FAILED_EVENT, { error: 'did not boot' });
    await flushNotifications(panel);

    const listReads = jest.spyOn(panel.get<SnapshotListStore>(SnapshotListStore), 'read');
    const res = await panel.anonymous().get('/metrics').set('Authorization', `Bearer ${METRICS_TOKEN}`);
    expect(res.status).toBe(200);
    // The count and the size of the panel's snapshots come from one read of the cached list per scrape.
    expect(listReads).toHaveBeenCalledTimes(1);
    listReads.mockRestore();
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(res.headers['cache-control']).toBe('no-store');
    const text = res.text;
    const value = (line: RegExp) => {
      const m = new RegExp(`^${line.source} (\\S+)$`, 'm').exec(text);
      return m ? Number(m[1]) : null;
    };
    const lastSuccess = value(/snapshot_panel_last_success_timestamp_seconds/);
    expect(lastSuccess).toBeGreaterThan(world.fake.now().getTime() / 1000 - 3600);
    expect(value(/snapshot_panel_next_run_timestamp_seconds/)).toBeGreaterThan(
      world.fake.now().getTime() / 1000,
    );
    expect(value(/snapshot_panel_schedule_period_seconds/)).toBe(7 * 3600);
    expect(value(/snapshot_panel_cycles_total\{kind="cycle",status="failed",code="image_failed"\}/)).toBe(1);
    expect(value(/snapshot_panel_cycles_total\{kind="cycle",status="succeeded",code=""\}/)).toBe(1);
    expect(text).toMatch(
      /^snapshot_panel_cycle_duration_seconds_count\{kind="cycle",status="succeeded"\} 1$/m,
    );
    expect(value(/snapshot_panel_hetzner_requests_total\{endpoint="create_image",status="2xx"\}/)).toBe(2);
    expect(
      value(/snapshot_panel_hetzner_requests_total\{endpoint="images",status="2xx"\}/),
    ).toBeGreaterThanOrEqual(2);
    expect(value(/snapshot_panel_hetzner_ratelimit_remaining/)).toBeGreaterThan(0);
    expect(value(/snapshot_panel_hetzner_ratelimit_limit/)).toBe(3600);
    expect(value(/snapshot_panel_drills_total\{result="failed"\}/)).toBe(1);
    expect(text).toMatch(
      /^snapshot_panel_notification_delivery_failures_total\{channel_id="1",channel="Down"\} 3$/m,
    );
    expect(value(/snapshot_panel_notification_deliveries_pending/)).toBe(3);
    const autos = value(/snapshot_panel_snapshots\{kind="auto"\}/);
    expect(autos).toBeGreaterThanOrEqual(3);
    expect(value(/snapshot_panel_snapshot_bytes\{kind="auto"\}/)).toBeGreaterThanOrEqual(2 * 2.5e9);
    expect(value(/snapshot_panel_snapshots\{kind="manual"\}/)).toBe(0);
    expect(text).not.toContain(METRICS_TOKEN);
    expect(text).not.toContain(TOKEN);
  });
});
