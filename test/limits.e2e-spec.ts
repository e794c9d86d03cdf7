// The project's limits: a refused create is a failure with its own sentence, never retried in a loop, never a
// reason to prune; and once the panel has seen the limit it warns before the next refusal.
import { SnapshotCycleService } from '../src/hetzner-snapshots/cycle/snapshot-cycle.service';
import {
  csrfOf,
  requestKeyOf,
  requestsTo,
  SnapshotsWorld,
  startSnapshotsWorld,
  visibleText,
} from './support/snapshots-fixture';

describe('project limits (e2e)', () => {
  let w: SnapshotsWorld;
  afterEach(async () => w?.close());

  it('a limit error on "take a snapshot": its sentence, one request, nothing deleted, then a warning', async () => {
    w = await startSnapshotsWorld({ role: 'cli', actionDurationMs: 1_000 });
    w.fake.addImages(3, { serverId: w.server.id });
    w.fake.setSnapshotLimit(1, 3);
    const page = await w.agent.get('/snapshots');
    w.fake.clearRequests();
    const res = await w.agent
      .post('/snapshots')
      .type('form')
      .send({ _csrf: csrfOf(page.text), requestKey: requestKeyOf(page.text), description: 'one more' });
    expect(res.status).toBe(303);
    const after = visibleText((await w.agent.get('/snapshots')).text);
    expect(after).toContain(
      'The Hetzner project has reached its limit for snapshots (Hetzner: project_limit).',
    );
    expect(after).toContain('the panel does not delete any to make room');
    expect(requestsTo(w.fake, 'POST', `/v1/servers/${w.server.id}/actions/create_image`)).toBe(1);
    expect(w.fake.requests.filter((r) => r.method === 'DELETE')).toEqual([]);
    // Learned: 3 snapshots when it was refused; the page now warns before the next attempt.
    expect(after).toContain(
      'The project holds 3 snapshots, as many as Hetzner allowed when it last refused one (3): the next snapshot will likely be refused.',
    );
  });

  it('a limit error in a scheduled cycle: recorded once, no retry, nothing pruned', async () => {
    w = await startSnapshotsWorld({ role: 'cli', actionDurationMs: 1_000 });
    w.fake.addImages(2, {
      serverId: w.server.id,
      labels: { 'managed-by': 'snapshot-panel', 'snapshot-panel/kind': 'auto' },
    });
    w.fake.setSnapshotLimit(1, 2);
    w.fake.clearRequests();
    const outcome = await w.panel
      .get<SnapshotCycleService>(SnapshotCycleService)
      .runCycle({ trigger: 'cli' });
    expect(outcome.status).toBe('failed');
    expect(outcome.message).toContain('The Hetzner project has reached its limit for snapshots');
    expect(requestsTo(w.fake, 'POST', `/v1/servers/${w.server.id}/actions/create_image`)).toBe(1);
    expect(w.fake.requests.filter((r) => r.method === 'DELETE')).toEqual([]);
    // The page warns from then on, with the count the panel saw right after the refusal.
    const page = visibleText((await w.agent.get('/snapshots')).text);
    expect(page).toContain(
      'The project holds 2 snapshots, as many as Hetzner allowed when it last refused one (2)',
    );
  });

  it("once a limit was seen, the restore page warns of a refused safety snapshot, counting the page's cached list", async () => {
    w = await startSnapshotsWorld({ role: 'cli', actionDurationMs: 1_000 });
    const [snapshot] = w.fake.addImages(3, { serverId: w.server.id });
    w.fake.setSnapshotLimit(1, 3);
    const page = await w.agent.get('/snapshots');
    await w.agent
      .post('/snapshots')
      .type('form')
      .send({ _csrf: csrfOf(page.text), requestKey: requestKeyOf(page.text), description: 'one more' });
    await w.agent.get('/snapshots');
    w.fake.clearRequests();
    const restore = await w.agent.get(`/snapshots/${snapshot.id}/restore`);
    expect(restore.status).toBe(200);
    expect(visibleText(restore.text)).toContain(
      'A safety snapshot would likely be refused: The project holds 3 snapshots',
    );
    // The server and the snapshot, read fresh; the count came from the cached list, not a listing.
    expect(w.fake.requests.map((r) => `${r.method} ${r.path.split('?')[0]}`).sort()).toEqual([
      `GET /v1/images/${snapshot.id}`,
      `GET /v1/servers/${w.server.id}`,
    ]);
  });
});
