import type { DataSource } from 'typeorm';
import type { HetznerConnectionService } from '../connection/hetzner-connection.service';
import { ApiUsageStore } from '../connection/api-usage.store';
import { ApiBudget, ApiUsageMinute } from '../connection/api-usage.entity';
import {
  hcloudError,
  InMemoryHcloud,
  memoryDatabase,
  steppingClock,
  SUT_SERVER_ID,
} from '../cycle/cycle.testing';
import type { HcloudAction, HcloudClient } from '../hcloud';
import { KIND_LABEL, panelSnapshotLabels, PANEL_LABEL, SERVER_LABEL } from '../labels/snapshot-labels';
import { ServerState } from '../server-state/server-state.entity';
import { ServerStateStore } from '../server-state/server-state.store';
import { AuditEntry } from '../audit/audit-entry.entity';
import { AuditService } from '../audit/audit.service';
import { LimitStore } from '../limits/limit.store';
import { ProjectLimit } from '../limits/project-limit.entity';
import { PanelSettings } from '../settings/panel-settings.entity';
import { PanelSettingsStore } from '../settings/panel-settings.store';
import { SnapshotListCache } from '../snapshot-list/snapshot-list-cache.entity';
import { SnapshotListStore } from '../snapshot-list/snapshot-list.store';
import { CreateRequestKeys } from './create-request-keys';
import { OwnActionsTracker } from './own-actions.tracker';
import { SnapshotListingService } from './snapshot-listing.service';
import { SnapshotOperationError } from './snapshot-operation.error';
import { Caller, SnapshotsService } from './snapshots.service';

const CALLER: Caller = { actor: 'admin:alice', interactive: true };

/** The service under test on an in-memory database and an in-memory Hetzner (immich's `sut`). */
async function buildSut() {
  const db: DataSource = await memoryDatabase();
  const clock = steppingClock();
  const hetzner = new InMemoryHcloud(clock);
  const updates: { id: number; labels: Record<string, string> }[] = [];
  const protections: { id: number; delete: boolean }[] = [];
  const done = (id: number): HcloudAction => ({
    id,
    command: 'change_protection',
    status: 'success',
    progress: 100,
    started: clock.now().toISOString(),
    finished: clock.now().toISOString(),
    resources: [],
    error: null,
  });
  const client = {
    ...hetzner.api,
    updateImage: async (id: number, req: { labels: Record<string, string> }) => {
      updates.push({ id, labels: req.labels });
      const image = hetzner.images.get(id)!;
      image.labels = req.labels;
      return image;
    },
    changeImageProtection: async (id: number, protect: { delete: boolean }) => {
      protections.push({ id, ...protect });
      hetzner.images.get(id)!.protection = protect;
      return done(id);
    },
    waitForAction: async (action: HcloudAction | number) =>
      done(typeof action === 'number' ? action : action.id),
    getAction: async (id: number) => done(id),
  } as unknown as HcloudClient;
  const connection = {
    effectiveToken: async () => ({ token: 't', source: 'settings' }),
    serverId: async () => SUT_SERVER_ID,
    client: async () => client,
    timeZone: 'UTC',
  } as unknown as HetznerConnectionService;
  const store = new SnapshotListStore(db.getRepository(SnapshotListCache));
  const tracker = new OwnActionsTracker();
  const listing = new SnapshotListingService(
    connection,
    store,
    tracker,
    new ServerStateStore(db.getRepository(ServerState)),
    new ApiUsageStore(db.getRepository(ApiBudget), db.getRepository(ApiUsageMinute), db, clock),
    clock,
  );
  const sut = new SnapshotsService(
    connection,
    store,
    tracker,
    new CreateRequestKeys(),
    new PanelSettingsStore(
      db.getRepository(PanelSettings),
      new AuditService(db.getRepository(AuditEntry), clock),
    ),
    listing,
    clock,
    new LimitStore(db.getRepository(ProjectLimit)),
  );
  return { sut, db, hetzner, updates, protections, listing };
}

async function refusal(work: Promise<unknown>): Promise<string> {
  try {
    await work;
  } catch (err) {
    if (err instanceof SnapshotOperationError) return err.code;
    throw err;
  }
  throw new Error('expected a SnapshotOperationError');
}

describe('SnapshotsService', () => {
  let world: Awaited<ReturnType<typeof buildSut>>;
  beforeEach(async () => (world = await buildSut()));
  afterEach(async () => world.db.destroy());

  const snapshot = (labels: Record<string, string>, extra = {}) =>
    world.hetzner.addSnapshot({ created: '2026-11-20T03:00:00Z', labels, ...extra });

  it('takes a manual snapshot with the panel labels, and a form sent twice starts one', async () => {
    const key = world.sut.issueRequestKey();

    const first = await world.sut.takeSnapshot({
      description: 'before upgrade',
      requestKey: key,
      caller: CALLER,
    });
    const again = await world.sut.takeSnapshot({
      description: 'before upgrade',
      requestKey: key,
      caller: CALLER,
    });

    expect(first.kind).toBe('started');
    expect(again).toEqual({ kind: 'repeat' });
    expect(world.hetzner.callsOf('createImage')).toEqual([
      {
        serverId: SUT_SERVER_ID,
        description: 'before upgrade',
        labels: panelSnapshotLabels('manual', SUT_SERVER_ID),
      },
    ]);
  });

  it("says in_progress for Hetzner's locked, and lets the same form be sent again", async () => {
    const key = world.sut.issueRequestKey();
    world.hetzner.failNext('createImage', hcloudError(423, 'locked'));

    expect(await refusal(world.sut.takeSnapshot({ requestKey: key, caller: CALLER }))).toBe('in_progress');
    expect((await world.sut.takeSnapshot({ requestKey: key, caller: CALLER })).kind).toBe('started');
  });

  it('deletes its own snapshot, and never one made elsewhere', async () => {
    const mine = snapshot(panelSnapshotLabels('manual', SUT_SERVER_ID));
    const theirs = snapshot({ [PANEL_LABEL]: 'other-tool' });

    await world.sut.deleteSnapshot(mine.id, CALLER);
    expect(await refusal(world.sut.deleteSnapshot(theirs.id, CALLER))).toBe('not_applicable');

    expect(world.hetzner.callsOf('deleteImage')).toEqual([mine.id]);
  });

  it("refuses a protected one, and treats another server's snapshot as not there", async () => {
    const locked = snapshot(panelSnapshotLabels('auto', SUT_SERVER_ID), { protection: { delete: true } });
    const elsewhere = snapshot(panelSnapshotLabels('auto', 7), { created_from: { id: 7, name: 'db-1' } });

    expect(await refusal(world.sut.deleteSnapshot(locked.id, CALLER))).toBe('protected');
    expect(await refusal(world.sut.deleteSnapshot(elsewhere.id, CALLER))).toBe('not_found');
    expect(await refusal(world.sut.findSnapshot(999_999, CALLER))).toBe('not_found');
  });

  it('protects any snapshot of this server, but lowers protection only on its own', async () => {
    const theirs = snapshot({}, { protection: { delete: false } });

    expect((await world.sut.setProtection(theirs.id, true, CALLER)).changed).toBe(true);
    expect(await refusal(world.sut.setProtection(theirs.id, false, CALLER))).toBe('not_applicable');
    expect(world.protections).toEqual([{ id: theirs.id, delete: true }]);
  });

  it('keeps an automatic snapshot by its kind label, every other label untouched, the server label added', async () => {
    const auto = snapshot({ [PANEL_LABEL]: 'snapshot-panel', [KIND_LABEL]: 'auto', team: 'ops' });

    expect((await world.sut.setKept(auto.id, true, CALLER)).changed).toBe(true);
    expect(world.updates).toEqual([
      {
        id: auto.id,
        labels: {
          [PANEL_LABEL]: 'snapshot-panel',
          [KIND_LABEL]: 'kept',
          team: 'ops',
          [SERVER_LABEL]: String(SUT_SERVER_ID),
        },
      },
    ]);
    expect((await world.sut.setKept(auto.id, true, CALLER)).changed).toBe(false);
    expect(await refusal(world.sut.setKept(snapshot({}).id, true, CALLER))).toBe('not_applicable');
  });

  it('lists this server through the listing service, and a change marks the list stale', async () => {
    snapshot(panelSnapshotLabels('auto', SUT_SERVER_ID));
    const listed = await world.listing.freshListing();
    expect(listed.images).toHaveLength(1);

    await world.sut.deleteSnapshot(listed.images[0].id, CALLER);
    const state = await world.listing.state();
    expect(state.kind === 'list' && state.listing.images).toEqual([]);
  });
});
