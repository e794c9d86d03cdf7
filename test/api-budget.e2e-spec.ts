// The project's shared request budget as the panel sees it: every request counted (what this panel spent in
// the last hour, on the snapshots page and in doctor), and background work and page refreshes holding back
// while the budget is low, so what is left goes to the cycles. Counted from the fake's request log.
import { ApiUsageStore } from '../src/hetzner-snapshots/connection/api-usage.store';
import { LabelBackfillService } from '../src/hetzner-snapshots/labels/label-backfill.service';
import { SnapshotCycleService } from '../src/hetzner-snapshots/cycle/snapshot-cycle.service';
import { SnapshotListingService } from '../src/hetzner-snapshots/snapshots/snapshot-listing.service';
import { PanelHarness } from './support/panel-harness';
import {
  addAutoSnapshots,
  apiRequests,
  requestsOf,
  SchedulerWorld,
  startSchedulerPanel,
  startWorld,
} from './support/scheduler-fixtures';

describe('the shared API budget (e2e)', () => {
  let world: SchedulerWorld;
  let panel: PanelHarness;

  beforeEach(async () => {
    world = await startWorld();
    addAutoSnapshots(world, [1, 2]);
    panel = await startSchedulerPanel(world);
  });
  afterEach(async () => {
    await panel?.close();
    await world?.fake.close();
  });

  const usage = () => panel.get<ApiUsageStore>(ApiUsageStore).current();

  it('counts every request this panel makes and shows what it spent on the snapshots page', async () => {
    const outcome = await panel
      .get<SnapshotCycleService>(SnapshotCycleService)
      .runCycle({ trigger: 'schedule' });
    expect(outcome.status).toBe('succeeded');
    const agent = await panel.signedIn();
    const page = await agent.get('/snapshots');
    expect(page.status).toBe(200);

    const spent = apiRequests(world.fake).length;
    const now = await usage();
    expect(now.spentLastHour).toBe(spent);
    expect(now.seen).toMatchObject({ limit: 3600 });
    expect(now.pressure).toBe('ok');
    // The page counted the requests of its own refresh too, before it rendered the line.
    expect(page.text).toMatch(
      new RegExp(
        `About \\d+ of 3600 API requests left this hour .*this panel spent ${spent} in the last hour`,
      ),
    );

    // An hour later the spending has left the window.
    world.fake.advance(61 * 60_000);
    expect((await usage()).spentLastHour).toBe(0);
  });

  it('keeps no finished count: what flushed() waits for empties as the writes are stored', async () => {
    const store = panel.get<ApiUsageStore>(ApiUsageStore);
    await store.flushed();
    for (let i = 0; i < 5; i++)
      store.record({ method: 'GET', path: '/images', status: 200, attempt: 1, durationMs: 1 });
    expect(store.writesInFlight).toBe(5);
    // One recorded while flushed() already waits is waited for too.
    const flushing = store.flushed();
    store.record({ method: 'GET', path: '/servers/1', status: 200, attempt: 1, durationMs: 1 });
    await flushing;
    expect(store.writesInFlight).toBe(0);
    expect((await store.current()).spentLastHour).toBe(apiRequests(world.fake).length + 6);
  });

  it('while the budget is low, the backfill waits and the page reuses its list for longer; cycles still run', async () => {
    const snapshots = panel.get<SnapshotListingService>(SnapshotListingService);
    await snapshots.freshListing();
    world.fake.setRateLimit(1, 300);
    await snapshots.freshListing(); // the answer tells the panel what is left
    expect((await usage()).pressure).toBe('critical');
    world.fake.clearRequests();

    expect(await panel.get<LabelBackfillService>(LabelBackfillService).runIfDue()).toEqual({
      status: 'deferred',
      labelledNow: 0,
      requests: 0,
    });

    // A minute later a view would normally list again (after 30 s); now it shows the list it has.
    world.fake.advance(60_000);
    const agent = await panel.signedIn();
    const page = await agent.get('/snapshots');
    expect(page.status).toBe(200);
    expect(requestsOf(world.fake, 'GET', '/v1/images')).toHaveLength(0);

    const outcome = await panel
      .get<SnapshotCycleService>(SnapshotCycleService)
      .runCycle({ trigger: 'schedule' });
    expect(outcome.status).toBe('succeeded');
  });
});
