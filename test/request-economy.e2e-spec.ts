// What this server's work costs from the project's shared 3,600 requests an hour, counted from the fake's
// request log (never timed), in a project where 20 other servers run the panel with 150 automatic snapshots
// each: a cycle and a listing of this server's snapshots must not grow with the other servers' snapshots.
import { LabelBackfillService } from '../src/hetzner-snapshots/labels/label-backfill.service';
import { SnapshotCycleService } from '../src/hetzner-snapshots/cycle/snapshot-cycle.service';
import { SnapshotListingService } from '../src/hetzner-snapshots/snapshots/snapshot-listing.service';
import { PanelHarness } from './support/panel-harness';
import {
  AUTO_LABELS,
  apiRequests,
  changeSettings,
  DAY_MS,
  SchedulerWorld,
  simulatedClock,
  SimulatedClock,
  startSchedulerPanel,
  startWorld,
} from './support/scheduler-fixtures';

const OTHER_SERVERS = 20;
const SNAPSHOTS_EACH = 150;
const SNAPSHOT_MS = 60_000;

describe('requests per cycle and per listing in a shared project (e2e)', () => {
  let world: SchedulerWorld;
  let panel: PanelHarness;
  let clock: SimulatedClock;

  beforeAll(async () => {
    world = await startWorld({ actionDurationMs: SNAPSHOT_MS });
    const now = world.fake.now().getTime();
    for (let s = 0; s < OTHER_SERVERS; s++) {
      const other = world.fake.addServer({ name: `other-${s}` });
      for (let i = 0; i < SNAPSHOTS_EACH; i++)
        world.fake.addImage({
          serverId: other.id,
          labels: { ...AUTO_LABELS },
          created: new Date(now - (i + 1) * 3_600_000),
        });
    }
    // This server's own, made before the server label existed; all within retention, so nothing is pruned.
    for (let i = 0; i < 7; i++)
      world.fake.addImage({
        serverId: world.serverId,
        labels: { ...AUTO_LABELS },
        created: new Date(now - (i + 1) * (DAY_MS / 4)),
      });
    clock = simulatedClock(world.fake);
    panel = await startSchedulerPanel(world, { clock });
    await changeSettings(panel, { retentionDays: 7, keepMin: 3 });
  });
  afterAll(async () => {
    await panel?.close();
    await world?.fake.close();
  });

  /** The requests `work` made, from the fake's log. */
  async function counted(work: () => Promise<unknown>) {
    const from = world.fake.requests.length;
    await work();
    const requests = world.fake.requests.slice(from).filter((r) => r.path.startsWith('/v1/'));
    return {
      total: requests.length,
      listPages: requests.filter((r) => r.method === 'GET' && r.path === '/v1/images').length,
      polls: requests.filter((r) => r.method === 'GET' && r.path.startsWith('/v1/actions/')).length,
      serverReads: requests.filter((r) => r.method === 'GET' && r.path.startsWith('/v1/servers/')).length,
    };
  }

  const cycle = () => panel.get<SnapshotCycleService>(SnapshotCycleService).runCycle({ trigger: 'schedule' });
  const listing = () => panel.get<SnapshotListingService>(SnapshotListingService).freshListing();

  it('before the backfill and before learning, a cycle and a listing pay for every server’s snapshots', async () => {
    expect(apiRequests(world.fake)).toHaveLength(0);
    const first = await counted(cycle);
    // 3,008 automatic snapshots in the project: 61 pages, plus the server, create, 6 polls and the image.
    expect(first).toEqual({ total: 70, listPages: 61, polls: 6, serverReads: 1 });

    const page = await counted(listing);
    // Every snapshot of the project (61 pages), plus the server and prices (due every 6 h).
    expect(page).toEqual({ total: 63, listPages: 61, polls: 0, serverReads: 1 });
  });

  it('after the backfill and a few learned cycles, a 60 s snapshot with nothing to prune costs at most 7', async () => {
    const backfill = await panel.get<LabelBackfillService>(LabelBackfillService).runIfDue();
    // Once: the project's unlabelled panel snapshots (61 pages), then a read and a PUT per own snapshot.
    expect(backfill).toMatchObject({ status: 'completed', labelledInAll: 7, requests: 61 + 7 + 7 });

    const second = await counted(cycle);
    // Learning needs two confirmed runs; the name is cached; the list is this server's, one page.
    expect(second).toMatchObject({ listPages: 1, polls: 6, serverReads: 0 });

    const sleepsBefore = clock.sleeps.length;
    const learned = await counted(cycle);
    expect(learned).toEqual({ total: 4, listPages: 1, polls: 1, serverReads: 0 });
    expect(learned.total).toBeLessThanOrEqual(7);
    // The one poll was placed past the expected end (60 s × 1.05 + 1 s), not at 1, 3, 7 … s.
    expect(clock.sleeps.slice(sleepsBefore)).toEqual([64_000]);

    const page = await counted(listing);
    // This server's own by label, and those made elsewhere: one page each, whatever the other servers hold.
    expect(page).toEqual({ total: 2, listPages: 2, polls: 0, serverReads: 0 });
  });
});
