// The one-time server-label backfill against the fake, in a project shared with other servers and other tools:
// what it lists, which images it changes (only this server's own, labels only, none dropped), that it is
// resumable and recorded, and that retention and the snapshots page keep the wide listing until it completes.
import { getRepositoryToken } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import type { FakeImageRecord } from '../src/fake-hcloud';
import { AuditEntry } from '../src/hetzner-snapshots/audit/audit-entry.entity';
import { LabelBackfillService } from '../src/hetzner-snapshots/labels/label-backfill.service';
import { CYCLE_LEASE } from '../src/hetzner-snapshots/lease/cycle-lease';
import { LeaseService } from '../src/hetzner-snapshots/lease/lease.service';
import { SnapshotCycleService } from '../src/hetzner-snapshots/cycle/snapshot-cycle.service';
import { ServerStateStore } from '../src/hetzner-snapshots/server-state/server-state.store';
import { SnapshotListingService } from '../src/hetzner-snapshots/snapshots/snapshot-listing.service';
import { PanelHarness } from './support/panel-harness';
import {
  AUTO_LABELS,
  changeSettings,
  DAY_MS,
  requestsOf,
  SchedulerWorld,
  startSchedulerPanel,
  startWorld,
} from './support/scheduler-fixtures';

const SERVER_LABEL = 'snapshot-panel/server';
const MANUAL = { 'managed-by': 'snapshot-panel', 'snapshot-panel/kind': 'manual' };
const KEPT = { 'managed-by': 'snapshot-panel', 'snapshot-panel/kind': 'kept' };

interface Project {
  ours: FakeImageRecord[];
  otherServers: FakeImageRecord[];
  foreign: FakeImageRecord[];
  otherServerId: number;
}

/** This server's own snapshots (three kinds, one with a label of another tool), another server's, and other tools'. */
function seedProject(world: SchedulerWorld): Project {
  const { fake, serverId } = world;
  const other = fake.addServer({ name: 'db-1' });
  const ago = (days: number) => new Date(fake.now().getTime() - days * DAY_MS);
  const ours = [
    fake.addImage({ serverId, labels: { ...AUTO_LABELS }, created: ago(30), description: 'old auto' }),
    fake.addImage({ serverId, labels: { ...AUTO_LABELS, team: 'ops' }, created: ago(20) }),
    fake.addImage({ serverId, labels: { ...AUTO_LABELS }, created: ago(2) }),
    fake.addImage({ serverId, labels: { ...MANUAL }, created: ago(40) }),
    fake.addImage({ serverId, labels: { ...KEPT }, created: ago(50) }),
  ];
  const otherServers = [
    fake.addImage({ serverId: other.id, labels: { ...AUTO_LABELS }, created: ago(30) }),
    fake.addImage({ serverId: other.id, labels: { ...MANUAL }, created: ago(30) }),
    // The panel's, source server deleted: whose it was is unknown, so it is not touched.
    fake.addImage({ serverId: null, labels: { ...AUTO_LABELS }, created: ago(30) }),
  ];
  const foreign = [
    fake.addImage({ serverId, labels: {}, description: 'made in the console', created: ago(60) }),
    fake.addImage({ serverId, labels: { 'managed-by': 'terraform' }, created: ago(60) }),
    fake.addImage({ serverId: other.id, labels: {}, created: ago(60) }),
  ];
  return { ours, otherServers, foreign, otherServerId: other.id };
}

function labelsOf(world: SchedulerWorld, image: FakeImageRecord): Record<string, string> {
  return world.fake.images().find((candidate) => candidate.id === image.id)!.labels;
}

describe('server-label backfill (e2e)', () => {
  let world: SchedulerWorld;
  let panel: PanelHarness;
  let project: Project;

  beforeEach(async () => {
    world = await startWorld();
    project = seedProject(world);
    panel = await startSchedulerPanel(world);
    await changeSettings(panel, { retentionDays: 7, keepMin: 1 });
    world.fake.requests.length = 0;
  });
  afterEach(async () => {
    await panel?.close();
    await world?.fake.close();
  });

  const backfill = () => panel.get<LabelBackfillService>(LabelBackfillService).runIfDue();
  const state = () => panel.get<ServerStateStore>(ServerStateStore);

  it('labels exactly the panel’s own snapshots of this server, keeping every other label, and records it', async () => {
    const outcome = await backfill();

    expect(outcome).toMatchObject({ status: 'completed', labelledNow: 5, labelledInAll: 5 });
    const lists = requestsOf(world.fake, 'GET', '/v1/images');
    expect(lists.map((r) => r.query.label_selector)).toEqual([
      'managed-by=snapshot-panel,!snapshot-panel/server',
    ]);
    const puts = requestsOf(world.fake, 'PUT', /^\/v1\/images\/\d+$/);
    expect(puts.map((r) => r.path).sort()).toEqual(project.ours.map((i) => `/v1/images/${i.id}`).sort());
    for (const put of puts) expect(Object.keys(put.body as object)).toEqual(['labels']);
    expect(labelsOf(world, project.ours[1])).toEqual({
      ...AUTO_LABELS,
      team: 'ops',
      [SERVER_LABEL]: String(world.serverId),
    });
    expect(labelsOf(world, project.ours[4])).toEqual({ ...KEPT, [SERVER_LABEL]: String(world.serverId) });
    for (const image of [...project.otherServers, ...project.foreign])
      expect(labelsOf(world, image)).toEqual(image.labels);
    expect(requestsOf(world.fake, 'DELETE', /\/v1\/images\//)).toHaveLength(0);

    expect(await state().labelsBackfilled(world.serverId)).toBe(true);
    const audit = await panel
      .get<Repository<AuditEntry>>(getRepositoryToken(AuditEntry))
      .findBy({ action: 'snapshots.server-labelled' });
    expect(audit).toHaveLength(1);
    expect(audit[0].actor).toBe('system');
    const agent = await panel.signedIn();
    const history = await agent.get('/history');
    expect(history.text).toContain('added the snapshot-panel/server label to 5 snapshots');

    // Once is enough: a second call asks Hetzner nothing.
    const before = world.fake.requests.length;
    expect(await backfill()).toEqual({ status: 'done-before' });
    expect(world.fake.requests.length).toBe(before);
  });

  it('is resumable: a failure stops it, what was labelled stays, the next run labels the rest', async () => {
    const third = project.ours[2];
    world.fake.failNext({ method: 'PUT', path: `/v1/images/${third.id}`, status: 500, code: 'server_error' });
    // That PUT fails and is not retried by the client (500 with an error body): the run stops there.
    const first = await backfill();
    expect(first).toMatchObject({ status: 'failed', labelledNow: 2 });
    expect(await state().labelsBackfilled(world.serverId)).toBe(false);

    world.fake.requests.length = 0;
    const second = await backfill();
    expect(second).toMatchObject({ status: 'completed', labelledNow: 3, labelledInAll: 5 });
    // The two labelled before dropped out of the work list: only the rest were read and changed.
    expect(requestsOf(world.fake, 'PUT', /^\/v1\/images\/\d+$/)).toHaveLength(3);
    for (const image of project.ours)
      expect(labelsOf(world, image)[SERVER_LABEL]).toBe(String(world.serverId));
  });

  it('waits while another cycle holds the lease', async () => {
    const leases = panel.get<LeaseService>(LeaseService);
    const held = (await leases.tryAcquire(CYCLE_LEASE, 60_000))!;
    expect(await backfill()).toEqual({ status: 'busy' });
    expect(world.fake.requests).toHaveLength(0);
    await leases.release(held);
    expect((await backfill()).status).toBe('completed');
  });

  it('until it completes, retention lists every automatic snapshot and filters by created_from; then by label', async () => {
    const cycles = panel.get<SnapshotCycleService>(SnapshotCycleService);
    const selectorsSent = () =>
      requestsOf(world.fake, 'GET', '/v1/images').map((r) => r.query.label_selector);

    const wide = await cycles.prune();
    expect(wide.status).toBe('succeeded');
    expect(selectorsSent()).toEqual(['managed-by=snapshot-panel,snapshot-panel/kind=auto']);
    // The 30- and 20-day-old automatic snapshots of this server go; nobody else's.
    const gone = project.ours.filter((i) => !world.fake.images().some((c) => c.id === i.id));
    expect(gone.map((i) => i.id).sort()).toEqual([project.ours[0].id, project.ours[1].id].sort());

    await backfill();
    world.fake.requests.length = 0;
    world.fake.addImage({
      serverId: world.serverId,
      labels: { ...AUTO_LABELS, [SERVER_LABEL]: String(world.serverId) },
      created: new Date(world.fake.now().getTime() - 10 * DAY_MS),
    });
    // A snapshot labelled with this server but made from another: listed by the label, kept as doubt.
    const mislabelled = world.fake.addImage({
      serverId: project.otherServerId,
      labels: { ...AUTO_LABELS, [SERVER_LABEL]: String(world.serverId) },
      created: new Date(world.fake.now().getTime() - 90 * DAY_MS),
    });
    const narrow = await cycles.prune();
    expect(narrow.status).toBe('succeeded');
    expect(selectorsSent()).toEqual([
      `managed-by=snapshot-panel,snapshot-panel/server=${world.serverId},snapshot-panel/kind=auto`,
    ]);
    expect(requestsOf(world.fake, 'DELETE', /\/v1\/images\//)).toHaveLength(1);
    expect(world.fake.images().some((i) => i.id === mislabelled.id)).toBe(true);
    expect(narrow.run?.pruneNote).toContain('whose server label and source disagree');
  });

  it('the snapshots page lists every snapshot until then; afterwards only this server’s, by label and as made elsewhere', async () => {
    const snapshots = panel.get<SnapshotListingService>(SnapshotListingService);
    const listed = async () => (await snapshots.freshListing()).images.map((i) => i.id).sort();
    const thisServers = [...project.ours, project.foreign[0], project.foreign[1]].map((i) => i.id).sort();

    expect(await listed()).toEqual(thisServers);
    expect(requestsOf(world.fake, 'GET', '/v1/images').map((r) => r.query.label_selector)).toEqual([
      undefined,
    ]);

    await backfill();
    world.fake.requests.length = 0;
    expect(await listed()).toEqual(thisServers);
    expect(requestsOf(world.fake, 'GET', '/v1/images').map((r) => r.query.label_selector)).toEqual([
      `managed-by=snapshot-panel,snapshot-panel/server=${world.serverId}`,
      'managed-by!=snapshot-panel',
    ]);
  });
});
