import { CYCLE_LEASE, CYCLE_LEASE_TTL_MS } from '../lease/cycle-lease';
import { panelSnapshotLabels } from '../labels/snapshot-labels';
import { ServerState } from '../server-state/server-state.entity';
import { ServerStateStore } from '../server-state/server-state.store';
import { SnapshotListCache } from '../snapshot-list/snapshot-list-cache.entity';
import { SnapshotListStore } from '../snapshot-list/snapshot-list.store';
import { readDeleted, readHooks } from './cycle-run.store';
import { buildCycleSut, CycleSut, hcloudError, notFound, SUT_SERVER_ID } from './cycle.testing';

const DAY_MS = 86_400_000;
const AUTO = panelSnapshotLabels('auto', SUT_SERVER_ID);

/** Automatic snapshots of this server, `ages` days old. */
function seedAuto(world: CycleSut, ...ages: number[]) {
  return ages.map((days) =>
    world.hetzner.addSnapshot({
      created: new Date(world.clock.now().getTime() - days * DAY_MS).toISOString(),
      labels: AUTO,
    }),
  );
}

describe('SnapshotCycleService', () => {
  let world: CycleSut;
  afterEach(async () => world?.db.destroy());

  describe('a fresh cycle', () => {
    beforeEach(async () => (world = await buildCycleSut()));

    it('creates the snapshot with the panel labels, confirms it and prunes past retention', async () => {
      const [, old] = seedAuto(world, 1, 30, 2, 3);

      const outcome = await world.sut.runCycle({ trigger: 'cli' });

      expect(outcome.status).toBe('succeeded');
      const [created] = world.hetzner.callsOf('createImage') as { labels: unknown; description: string }[];
      expect(created.labels).toEqual(AUTO);
      expect(created.description).toBe('web-1 auto 2026-11-22T03:00:00Z');
      expect(world.hetzner.callsOf('deleteImage')).toEqual([old.id]);
      const [run] = await world.runs();
      expect(run).toMatchObject({
        status: 'succeeded',
        phase: 'done',
        serverId: SUT_SERVER_ID,
        errorCode: null,
      });
      expect(run.imageId).toBe(outcome.run!.imageId);
      expect(readDeleted(run).map((d) => d.id)).toEqual([old.id]);
      expect(run.requestCount).toBe(world.hetzner.calls.length);
      expect(outcome.message).toBe(`Snapshot ${run.imageId} is available; 1 old snapshot deleted.`);
    });

    it('records the action before it waits, so a restart follows the same action', async () => {
      let seenWhileWaiting: unknown;
      const wait = world.hetzner.api.waitForAction;
      world.hetzner.api.waitForAction = async (action, opts) => {
        seenWhileWaiting = (await world.runs())[0];
        return wait(action, opts);
      };

      await world.sut.runCycle({ trigger: 'cli' });

      expect(seenWhileWaiting).toMatchObject({ status: 'running', phase: 'waiting' });
      expect((seenWhileWaiting as { actionId: number }).actionId).toEqual(expect.any(Number));
    });

    it('waits out a locked server and tries create_image again', async () => {
      world.hetzner.failNext('createImage', hcloudError(423, 'locked'), hcloudError(423, 'locked'));

      const outcome = await world.sut.runCycle({ trigger: 'schedule' });

      expect(outcome.status).toBe('succeeded');
      expect(world.hetzner.callsOf('createImage')).toHaveLength(3);
      expect(world.clock.sleeps).toEqual([5_000, 10_000]);
    });

    it('fails with `locked` once the server stayed busy past the budget, and prunes nothing', async () => {
      seedAuto(world, 30);
      world.hetzner.failNext('createImage', ...Array.from({ length: 30 }, () => hcloudError(423, 'locked')));

      const outcome = await world.sut.runCycle({ trigger: 'schedule' });

      expect(outcome.status).toBe('failed');
      expect(outcome.run).toMatchObject({
        errorCode: 'locked',
        pruneNote: 'Nothing was pruned: no new snapshot was confirmed in this cycle.',
      });
      expect(world.hetzner.callsOf('deleteImage')).toEqual([]);
    });

    it('does not count a snapshot whose image is not available, and prunes nothing', async () => {
      seedAuto(world, 30);
      world.hetzner.createdEndsAs = { action: 'success', image: 'creating' };

      const outcome = await world.sut.runCycle({ trigger: 'cli' });

      expect(outcome.run).toMatchObject({ status: 'failed', errorCode: 'image_not_available' });
      expect(world.hetzner.callsOf('deleteImage')).toEqual([]);
    });

    it("records Hetzner's code when the action fails", async () => {
      world.hetzner.createdEndsAs = { action: 'error', image: 'creating' };

      const outcome = await world.sut.runCycle({ trigger: 'cli' });

      expect(outcome.run).toMatchObject({ status: 'failed', errorCode: 'action_failed' });
    });

    it('keeps the snapshot but notes why, when the listing for the prune fails', async () => {
      seedAuto(world, 30);
      world.hetzner.failNext('listImages', hcloudError(503, 'unavailable'));

      const outcome = await world.sut.runCycle({ trigger: 'cli' });

      expect(outcome.status).toBe('succeeded');
      expect(outcome.run!.pruneNote).toMatch(
        /^Nothing was deleted: the list of automatic snapshots could not be read completely/,
      );
      expect(world.hetzner.callsOf('deleteImage')).toEqual([]);
    });

    it('notes a snapshot that is already gone or protected, and stops pruning at any other failure', async () => {
      const [gone, locked, broken, untouched] = seedAuto(world, 40, 39, 38, 37, 36);
      world.hetzner.failNext(
        'deleteImage',
        notFound('/images/x'),
        hcloudError(423, 'protected'),
        hcloudError(500, 'server_error'),
      );

      const outcome = await world.sut.runCycle({ trigger: 'cli' });

      expect(outcome.status).toBe('succeeded');
      expect(world.hetzner.callsOf('deleteImage')).toEqual([gone.id, locked.id, broken.id]);
      expect(world.hetzner.images.has(untouched.id)).toBe(true);
      expect(outcome.run!.pruneNote).toContain(`Snapshot ${gone.id} was already gone.`);
      expect(outcome.run!.pruneNote).toContain(`Snapshot ${locked.id} was not deleted:`);
      expect(outcome.run!.pruneNote).toContain(
        `Deleting snapshot ${broken.id} failed, so pruning stopped for now`,
      );
    });

    it("is 'busy' and does nothing while another holder has the cycle lease", async () => {
      const held = await world.leases.tryAcquire(CYCLE_LEASE, CYCLE_LEASE_TTL_MS);

      const outcome = await world.sut.runCycle({ trigger: 'cli' });

      expect(outcome).toMatchObject({ status: 'busy', runId: null });
      expect(await world.runs()).toEqual([]);
      await world.leases.release(held!);
    });

    it('lets the lease go afterwards', async () => {
      await world.sut.runCycle({ trigger: 'cli' });
      expect(await world.leases.holder(CYCLE_LEASE)).toBeNull();
    });
  });

  describe('hooks', () => {
    beforeEach(async () => (world = await buildCycleSut({ hooks: { pre: 'freeze', post: 'thaw' } })));

    it('runs pre, the snapshot, then post, each with the run in its environment', async () => {
      const outcome = await world.sut.runCycle({ trigger: 'cli' });

      expect(world.hookRuns.map((run) => run.command)).toEqual(['freeze', 'thaw']);
      expect(world.hookRuns[1].env).toMatchObject({
        SNAPSHOT_PANEL_HOOK: 'post',
        SNAPSHOT_PANEL_SERVER_ID: String(SUT_SERVER_ID),
        SNAPSHOT_PANEL_IMAGE_ID: String(outcome.run!.imageId),
        SNAPSHOT_PANEL_OUTCOME: 'succeeded',
      });
      expect(readHooks((await world.runs())[0])).toMatchObject({ pre: { ok: true }, post: { ok: true } });
    });

    it('takes no snapshot when the pre hook fails, and still runs the post hook', async () => {
      world.hookResults.set('freeze', { ok: false, exitCode: 3 });

      const outcome = await world.sut.runCycle({ trigger: 'cli' });

      expect(outcome.run).toMatchObject({ status: 'failed', errorCode: 'pre_hook_failed' });
      expect(world.hetzner.callsOf('createImage')).toEqual([]);
      expect(world.hookRuns.map((run) => run.command)).toEqual(['freeze', 'thaw']);
      expect(world.hookRuns[1].env.SNAPSHOT_PANEL_OUTCOME).toBe('failed');
    });

    it('fails the run loudly when the post hook fails after a good snapshot', async () => {
      world.hookResults.set('thaw', { ok: false, exitCode: 1 });

      const outcome = await world.sut.runCycle({ trigger: 'cli' });

      expect(outcome.run).toMatchObject({ status: 'failed', errorCode: 'post_hook_failed' });
      expect(outcome.message).toMatch(new RegExp(`^Snapshot ${outcome.run!.imageId} was taken, but `));
      // The snapshot counts: pruning ran.
      expect(world.hetzner.callsOf('listImages')).toHaveLength(1);
    });
  });

  describe('resume', () => {
    beforeEach(async () => (world = await buildCycleSut({ hooks: { pre: 'freeze', post: 'thaw' } })));

    /** A run a killed process left waiting on its action, with its pre hook done. */
    async function leftWaiting() {
      const image = world.hetzner.addSnapshot({
        created: world.clock.now().toISOString(),
        labels: AUTO,
        status: 'creating',
      });
      const run = await world.store.started({
        trigger: 'schedule',
        startedAt: world.clock.now(),
        phase: 'creating',
      });
      await world.store.serverIdentified(run, SUT_SERVER_ID);
      await world.store.hooksRecorded(run, {
        pre: { ok: true, exitCode: 0, signal: null, timedOut: false, output: '', durationMs: 1 },
      });
      await world.store.actionRecorded(run, { imageId: image.id, actionId: image.id + 1_000_000 });
      return { run, image };
    }

    it('follows the recorded action instead of taking a second snapshot, and owes the post hook', async () => {
      const { run } = await leftWaiting();

      const [outcome] = await world.sut.resumeInterrupted();

      expect(outcome).toMatchObject({ status: 'succeeded', runId: run.id });
      expect(outcome.run!.trigger).toBe('resume');
      expect(world.hetzner.callsOf('createImage')).toEqual([]);
      expect(world.hetzner.callsOf('waitForAction')).toEqual([run.actionId]);
      expect(world.hookRuns.map((hook) => hook.command)).toEqual(['thaw']);
    });

    it("announces the server by the name last seen, the cycle's before the snapshots page's, without asking Hetzner", async () => {
      const pageSaw = {
        id: SUT_SERVER_ID,
        name: 'web-old',
        serverType: 'cx22',
        location: 'fsn1',
        status: 'running',
      };
      await new SnapshotListStore(world.db.getRepository(SnapshotListCache)).saveDetails(
        SUT_SERVER_ID,
        { pricing: null, server: pageSaw },
        world.clock.now(),
      );
      await leftWaiting();
      await world.sut.resumeInterrupted();
      await new ServerStateStore(world.db.getRepository(ServerState)).saveServerName(
        SUT_SERVER_ID,
        'web-renamed',
        world.clock.now(),
      );
      await leftWaiting();
      await world.sut.resumeInterrupted();

      expect(world.finished.map((event) => event.serverName)).toEqual(['web-old', 'web-renamed']);
      expect(world.hetzner.callsOf('getServer')).toEqual([]);
    });

    it('is interrupted when Hetzner no longer knows the action', async () => {
      await leftWaiting();
      world.hetzner.failNext('waitForAction', notFound('/actions/1'));

      const [outcome] = await world.sut.resumeInterrupted();

      expect(outcome.run).toMatchObject({ status: 'interrupted', errorCode: 'interrupted' });
      expect(outcome.message).toMatch(/Hetzner no longer knows its action/);
    });

    it('ends a run cut off before Hetzner accepted the request as interrupted', async () => {
      await world.store.started({ trigger: 'schedule', startedAt: world.clock.now(), phase: 'creating' });

      const [outcome] = await world.sut.resumeInterrupted();

      expect(outcome.run).toMatchObject({ status: 'interrupted', trigger: 'resume' });
      expect(world.hetzner.calls).toEqual([]);
      // Its pre hook never ran, so no post hook is owed.
      expect(world.hookRuns).toEqual([]);
    });

    it('finishes an orphan before a new cycle starts', async () => {
      const { run } = await leftWaiting();

      const outcome = await world.sut.runCycle({ trigger: 'cli' });

      const runs = await world.runs();
      expect(runs.map((r) => [r.id, r.status])).toEqual([
        [run.id, 'succeeded'],
        [outcome.runId, 'succeeded'],
      ]);
    });
  });

  describe('prune alone', () => {
    beforeEach(async () => (world = await buildCycleSut()));

    it('deletes past retention as a run of its own, without a snapshot', async () => {
      const [, old] = seedAuto(world, 1, 30, 2, 3);

      const outcome = await world.sut.prune();

      expect(outcome.run).toMatchObject({ trigger: 'prune', status: 'succeeded', imageId: null });
      expect(outcome.message).toMatch(/^Deleted 1 snapshot past retention\./);
      expect(world.hetzner.callsOf('deleteImage')).toEqual([old.id]);
      expect(world.hetzner.callsOf('createImage')).toEqual([]);
    });

    it('fails with prune_not_possible when the retention tiers cannot be read', async () => {
      await world.settings({ retentionTiers: '{not json' });

      const outcome = await world.sut.prune();

      expect(outcome.run).toMatchObject({ status: 'failed', errorCode: 'prune_not_possible' });
      expect(outcome.run!.pruneNote).toMatch(
        /^Nothing was deleted: the stored retention tiers .* are not readable/,
      );
    });

    it('writes each deletion to the run as it happens, so a process killed mid-prune still shows it', async () => {
      const [, oldest, older] = seedAuto(world, 1, 40, 30, 2, 3);
      const deleteImage = world.hetzner.api.deleteImage;
      const storedBeforeEach: number[][] = [];
      world.hetzner.api.deleteImage = async (id) => {
        const [run] = await world.runs();
        storedBeforeEach.push(readDeleted(run).map((d) => d.id));
        await deleteImage(id);
      };

      await world.sut.prune();

      expect(world.hetzner.callsOf('deleteImage')).toEqual([oldest.id, older.id]);
      expect(storedBeforeEach).toEqual([[], [oldest.id]]);
    });

    it('stops between deletions at shutdown, keeps what it deleted on the run and says so', async () => {
      const [, oldest, older] = seedAuto(world, 1, 40, 30, 2, 3);
      const deleteImage = world.hetzner.api.deleteImage;
      world.hetzner.api.deleteImage = async (id) => {
        await deleteImage(id);
        void world.sut.onModuleDestroy();
      };

      const outcome = await world.sut.prune();

      expect(world.hetzner.callsOf('deleteImage')).toEqual([oldest.id]);
      expect(world.hetzner.images.has(older.id)).toBe(true);
      expect(outcome.run).toMatchObject({ trigger: 'prune', status: 'interrupted' });
      expect(readDeleted(outcome.run!).map((d) => d.id)).toEqual([oldest.id]);
      expect(outcome.run!.pruneNote).toMatch(/^Deleted 1 snapshot past retention\..*shutting down/);
      expect(outcome.message).toBe(
        'The panel was stopped during this prune after deleting 1 snapshot; the next cycle prunes again.',
      );
    });

    it('previews without deleting or recording anything', async () => {
      const [, old] = seedAuto(world, 1, 30, 2, 3);

      const preview = await world.sut.previewPrune();

      expect(preview.plan!.toDelete).toEqual([old.id]);
      expect(world.hetzner.callsOf('deleteImage')).toEqual([]);
      expect(await world.runs()).toEqual([]);
    });
  });

  describe('the announcement (CYCLE_FINISHED_EVENT)', () => {
    beforeEach(async () => {
      world = await buildCycleSut();
    });

    it('is emitted once per finished run, with the run, the server name and the message', async () => {
      world.hetzner.failNext('createImage', hcloudError(403, 'forbidden'));
      await world.sut.runCycle({ trigger: 'cli' });
      await world.sut.runCycle({ trigger: 'cli' });

      expect(world.finished.map((e) => e.run.status)).toEqual(['failed', 'succeeded']);
      expect(world.finished[0]).toMatchObject({
        run: { status: 'failed', errorCode: 'forbidden' },
        retentionBlocked: false,
      });
      expect(world.finished[1].message).toMatch(/^Snapshot \d+ is available\.$/);
      expect(world.finished[1].serverName).toEqual(expect.any(String));
    });

    it('says when retention was blocked by doubt, for a prune too', async () => {
      world.hetzner.failNext('listImages', hcloudError(503, 'unavailable'));
      await world.sut.prune();

      expect(world.finished).toHaveLength(1);
      expect(world.finished[0]).toMatchObject({ run: { trigger: 'prune' }, retentionBlocked: true });
    });
  });
});
