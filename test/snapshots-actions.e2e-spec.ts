// Changes from the snapshots page against the fake Hetzner API: take one now (progress until available,
// 423 locked, double submits), delete with confirmation (protected ones refused), protect, keep.
import { capturedLogLines } from './support/panel-harness';
import {
  csrfOf,
  imageListings,
  PANEL_LABELS,
  requestKeyOf,
  requestsTo,
  rowHtml,
  rowText,
  SnapshotsWorld,
  startSnapshotsWorld,
  TOKEN,
  visibleText,
} from './support/snapshots-fixture';

const MANUAL_LABELS = { 'managed-by': 'snapshot-panel', 'snapshot-panel/kind': 'manual' };

describe('snapshot changes from the page (e2e)', () => {
  let w: SnapshotsWorld;
  afterEach(async () => {
    await w?.close();
  });
  afterAll(() => {
    expect(capturedLogLines.join('\n')).not.toContain(TOKEN);
  });

  const createPath = () => `/v1/servers/${w.server.id}/actions/create_image`;
  const snapshotsOf = (serverId: number) =>
    w.fake.images().filter((i) => i.type === 'snapshot' && i.createdFrom?.id === serverId);

  async function formFields(path = '/snapshots') {
    const page = await w.agent.get(path);
    return { _csrf: csrfOf(page.text), requestKey: requestKeyOf(page.text) };
  }

  async function post(path: string, body: Record<string, string> = {}) {
    const page = await w.agent.get('/snapshots');
    return w.agent
      .post(path)
      .type('form')
      .send({ _csrf: csrfOf(page.text), ...body });
  }

  it('takes a snapshot with the manual labels and shows it creating, with progress, until it is available', async () => {
    w = await startSnapshotsWorld({ actionDurationMs: 60_000 });
    w.fake.addImage({ serverId: w.server.id, description: 'an older one' });
    const fields = await formFields();

    const res = await w.agent
      .post('/snapshots')
      .type('form')
      .send({ ...fields, description: '  before upgrading PHP  ' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/snapshots');
    const create = w.fake.requests.filter((r) => r.method === 'POST' && r.path === createPath());
    expect(create).toHaveLength(1);
    expect(create[0].body).toEqual({
      type: 'snapshot',
      description: 'before upgrading PHP',
      labels: {
        'managed-by': 'snapshot-panel',
        'snapshot-panel/kind': 'manual',
        'snapshot-panel/server': String(w.server.id),
      },
    });
    const image = snapshotsOf(w.server.id).find((i) => i.description === 'before upgrading PHP')!;

    // Right after the change the list is fetched again, and shows the new snapshot as creating.
    const listingsBefore = imageListings(w.fake).length;
    let page = await w.agent.get('/snapshots');
    expect(imageListings(w.fake)).toHaveLength(listingsBefore + 1);
    expect(visibleText(page.text)).toContain('Snapshot “before upgrading PHP” started.');
    expect(rowText(page.text, image.id)).toMatch(/— creating 0%/);
    expect(page.text).toContain('<meta http-equiv="refresh" content="5">');
    expect(page.text).toContain('data-refresh-url="/snapshots" data-refresh-seconds="5"');
    expect(page.text).toContain('Snapshot in progress…');
    expect(page.text).not.toContain('name="requestKey"');

    // Half-way: one cheap poll of the action, not another listing.
    w.fake.advance(30_000);
    w.clock.advance(5_000);
    const polls = () => requestsTo(w.fake, 'GET', /^\/v1\/actions\/\d+$/);
    const listings = imageListings(w.fake).length;
    page = await w.agent.get('/snapshots');
    expect(polls()).toBe(1);
    expect(imageListings(w.fake)).toHaveLength(listings);
    expect(rowText(page.text, image.id)).toMatch(/creating ([5-9]\d)%/);
    expect(rowHtml(page.text, image.id)).toMatch(/<progress max="100" value="[5-9]\d"/);

    // Within 5 s of the last poll, a view asks nothing.
    w.clock.advance(1_000);
    await w.agent.get('/snapshots');
    expect(polls()).toBe(1);

    // Done: the poll sees it, the list is fetched at once, and the page stops refreshing itself.
    w.fake.advance(31_000);
    w.clock.advance(5_000);
    page = await w.agent.get('/snapshots');
    expect(polls()).toBe(2);
    expect(imageListings(w.fake)).toHaveLength(listings + 1);
    expect(rowText(page.text, image.id)).toMatch(/\d+(\.\d+)? GB available not protected manual/);
    expect(page.text).not.toContain('http-equiv="refresh"');
    expect(page.text).not.toContain('data-refresh-url');
    expect(page.text).toContain('Take snapshot now');
  });

  it('names a snapshot without description after the server and the time', async () => {
    w = await startSnapshotsWorld();
    const res = await w.agent
      .post('/snapshots')
      .type('form')
      .send(await formFields());
    expect(res.status).toBe(303);
    const create = w.fake.requests.find((r) => r.method === 'POST' && r.path === createPath())!;
    expect((create.body as { description: string }).description).toMatch(
      /^web-1 manual \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/,
    );
  });

  it.each([
    ['too long', 'x'.repeat(101), 'Use at most 100 characters.'],
    ['a line break', 'one\ntwo', 'no line breaks'],
    ['an invisible direction override', 'abc\u202Edef', 'invisible characters'],
  ])(
    'refuses a description with %s, keeps what was typed, and changes nothing',
    async (_name, description, message) => {
      w = await startSnapshotsWorld();
      w.fake.addImage({ serverId: w.server.id });
      const res = await w.agent
        .post('/snapshots')
        .type('form')
        .send({ ...(await formFields()), description });
      expect(res.status).toBe(400);
      expect(res.text).toContain('<p class="error" id="e-description">');
      expect(visibleText(res.text)).toContain(message);
      expect(res.text).toContain('aria-invalid="true"');
      if (!description.includes('\n')) expect(res.text).toContain(`value="${description}"`);
      expect(requestsTo(w.fake, 'POST', createPath())).toBe(0);
    },
  );

  it('takes one snapshot when the same form arrives twice, at once or later', async () => {
    w = await startSnapshotsWorld();
    const fields = await formFields();
    const [a, b] = await Promise.all([
      w.agent
        .post('/snapshots')
        .type('form')
        .send({ ...fields, description: 'twice' }),
      w.agent
        .post('/snapshots')
        .type('form')
        .send({ ...fields, description: 'twice' }),
    ]);
    expect([a.status, b.status]).toEqual([303, 303]);
    const again = await w.agent
      .post('/snapshots')
      .type('form')
      .send({ ...fields, description: 'twice' });
    expect(again.status).toBe(303);
    expect(visibleText((await w.agent.get('/snapshots')).text)).toContain(
      'That form was sent twice; one snapshot was started.',
    );
    expect(requestsTo(w.fake, 'POST', createPath())).toBe(1);
    expect(snapshotsOf(w.server.id).filter((i) => i.description === 'twice')).toHaveLength(1);
  });

  it('keeps the form key when the outcome of a take is unknown (answer cut off), so sending the form again takes no second snapshot', async () => {
    w = await startSnapshotsWorld();
    const fields = await formFields();
    // Hetzner creates the snapshot, but the answer never arrives whole: the panel cannot know it exists.
    w.fake.failNext({ method: 'POST', path: createPath(), truncate: true });
    const first = await w.agent
      .post('/snapshots')
      .type('form')
      .send({ ...fields, description: 'unknown outcome' });
    expect(first.status).toBe(303);
    expect(snapshotsOf(w.server.id).filter((i) => i.description === 'unknown outcome')).toHaveLength(1);
    await w.agent.get('/snapshots');
    w.fake.advance(120_000); // the first snapshot's action has ended: nothing on Hetzner's side refuses a second
    const again = await w.agent
      .post('/snapshots')
      .type('form')
      .send({ ...fields, description: 'unknown outcome' });
    expect(again.status).toBe(303);
    expect(requestsTo(w.fake, 'POST', createPath())).toBe(1);
    expect(snapshotsOf(w.server.id).filter((i) => i.description === 'unknown outcome')).toHaveLength(1);
  });

  it('says a snapshot is already in progress instead of starting a second one', async () => {
    w = await startSnapshotsWorld();
    await w.agent
      .post('/snapshots')
      .type('form')
      .send({ ...(await formFields()), description: 'first' });
    // A second tab still showing the form, with its own key.
    const res = await post('/snapshots', { requestKey: 'another-key-0123456789', description: 'second' });
    expect(res.status).toBe(303);
    const page = await w.agent.get('/snapshots');
    expect(page.text).toContain('alert alert-warning');
    expect(visibleText(page.text)).toMatch(/A snapshot is already in progress on this server \(\d+% done\)/);
    expect(requestsTo(w.fake, 'POST', createPath())).toBe(1);
  });

  it('turns Hetzner’s 423 locked (another action running on the server) into "already in progress"', async () => {
    w = await startSnapshotsWorld();
    // Another tool powers the server off: an action the panel did not start.
    const off = await fetch(`${w.fake.apiEndpoint}/servers/${w.server.id}/actions/poweroff`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${TOKEN}` },
    });
    expect(off.status).toBe(201);
    const res = await w.agent
      .post('/snapshots')
      .type('form')
      .send({ ...(await formFields()), description: 'while locked' });
    expect(res.status).toBe(303);
    const text = visibleText((await w.agent.get('/snapshots')).text);
    expect(text).toContain(
      'A snapshot or another action is already in progress on this server. Wait until it has finished, then try again.',
    );
    expect(w.fake.requests.filter((r) => r.path === createPath()).map((r) => r.status)).toEqual([423]);
    expect(snapshotsOf(w.server.id).filter((i) => i.description === 'while locked')).toHaveLength(0);

    // Also when Hetzner says so out of the blue (failNext), and the same form may be sent again afterwards.
    w.fake.advance(120_000);
    w.fake.failNext({
      method: 'POST',
      path: createPath(),
      status: 423,
      code: 'locked',
      message: 'server is locked',
    });
    const fields = await formFields();
    await w.agent.post('/snapshots').type('form').send(fields);
    expect(visibleText((await w.agent.get('/snapshots')).text)).toContain(
      'already in progress on this server',
    );
    await w.agent
      .post('/snapshots')
      .type('form')
      .send({ ...fields, description: 'now it works' });
    expect(snapshotsOf(w.server.id).filter((i) => i.description === 'now it works')).toHaveLength(1);
  });

  it('reports a snapshot whose action failed', async () => {
    w = await startSnapshotsWorld({ actionDurationMs: 10_000 });
    w.fake.failActionsNext(1, { code: 'image_failed', message: 'disk read error' });
    await w.agent
      .post('/snapshots')
      .type('form')
      .send({ ...(await formFields()), description: 'doomed' });
    await w.agent.get('/snapshots');
    w.fake.advance(11_000);
    w.clock.advance(5_000);
    const page = await w.agent.get('/snapshots');
    expect(page.text).toContain('alert alert-error');
    expect(visibleText(page.text)).toContain('disk read error');
    expect(visibleText(page.text)).not.toContain('doomed');
  });

  it('never deletes or unprotects a snapshot made elsewhere, and offers no button for it', async () => {
    w = await startSnapshotsWorld();
    const foreign = w.fake.addImage({
      serverId: w.server.id,
      description: 'made in the console',
      protected: true,
    });
    const list = await w.agent.get('/snapshots');
    expect(list.text).not.toContain(`/snapshots/${foreign.id}/delete`);
    expect(list.text).not.toContain(`/snapshots/${foreign.id}/unprotect`);
    const writesBefore = w.fake.requests.filter((r) => r.method !== 'GET').length;
    const csrf = csrfOf(list.text);
    const unprotect = await w.agent
      .post(`/snapshots/${foreign.id}/unprotect`)
      .type('form')
      .send({ _csrf: csrf });
    expect(unprotect.status).toBe(303);
    const remove = await w.agent.post(`/snapshots/${foreign.id}/delete`).type('form').send({ _csrf: csrf });
    expect(remove.status).toBe(303);
    const page = await w.agent.get('/snapshots');
    expect(visibleText(page.text)).toContain(
      'was made elsewhere (the Hetzner Console, hcloud or another tool)',
    );
    expect(w.fake.requests.filter((r) => r.method !== 'GET').length).toBe(writesBefore);
    expect(w.fake.images().find((i) => i.id === foreign.id)?.protection.delete).toBe(true);
  });

  it('deletes a snapshot after a confirmation page that names it', async () => {
    w = await startSnapshotsWorld();
    const image = w.fake.addImage({
      serverId: w.server.id,
      description: 'old <b>test</b> state',
      labels: MANUAL_LABELS,
    });
    const keepMe = w.fake.addImage({ serverId: w.server.id, description: 'stays' });
    const confirm = await w.agent.get(`/snapshots/${image.id}/delete`);
    expect(confirm.status).toBe(200);
    expect(confirm.text).toContain('old &lt;b&gt;test&lt;/b&gt; state');
    expect(confirm.text).toContain(`action="/snapshots/${image.id}/delete"`);
    expect(visibleText(confirm.text)).toContain('cannot be undone');

    // No CSRF token, no deletion.
    const forged = await w.agent.post(`/snapshots/${image.id}/delete`).type('form').send({});
    expect(forged.status).toBe(403);
    expect(requestsTo(w.fake, 'DELETE', `/v1/images/${image.id}`)).toBe(0);

    const res = await w.agent
      .post(`/snapshots/${image.id}/delete`)
      .type('form')
      .send({ _csrf: csrfOf(confirm.text) });
    expect(res.status).toBe(303);
    expect(requestsTo(w.fake, 'DELETE', `/v1/images/${image.id}`)).toBe(1);
    expect(w.fake.images().some((i) => i.id === image.id)).toBe(false);
    const page = await w.agent.get('/snapshots');
    expect(visibleText(page.text)).toContain('Snapshot “old <b>test</b> state” deleted.');
    expect(page.text).not.toContain(`id="snapshot-${image.id}"`);
    expect(page.text).toContain(`id="snapshot-${keepMe.id}"`);
  });

  it('refuses to delete a protected snapshot, with the reason, before asking Hetzner', async () => {
    w = await startSnapshotsWorld();
    const golden = w.fake.addImage({
      serverId: w.server.id,
      description: 'golden',
      protected: true,
      labels: MANUAL_LABELS,
    });
    const confirm = await w.agent.get(`/snapshots/${golden.id}/delete`);
    expect(visibleText(confirm.text)).toContain(
      'This snapshot is protected against deletion, so it cannot be deleted.',
    );
    expect(confirm.text).not.toContain('Delete this snapshot');
    expect(confirm.text).toContain(`action="/snapshots/${golden.id}/unprotect"`);

    const res = await w.agent
      .post(`/snapshots/${golden.id}/delete`)
      .type('form')
      .send({ _csrf: csrfOf(confirm.text) });
    expect(res.status).toBe(303);
    expect(requestsTo(w.fake, 'DELETE', `/v1/images/${golden.id}`)).toBe(0);
    expect(w.fake.images().some((i) => i.id === golden.id)).toBe(true);
    const page = await w.agent.get('/snapshots');
    expect(page.text).toContain('alert alert-error');
    expect(visibleText(page.text)).toContain(
      `Snapshot “golden” (${golden.id}) is protected against deletion. Remove its protection first, then delete it.`,
    );
  });

  it('maps Hetzner’s 423 protected (protection turned on elsewhere meanwhile) to the same refusal', async () => {
    w = await startSnapshotsWorld();
    const image = w.fake.addImage({ serverId: w.server.id, description: 'racy', labels: MANUAL_LABELS });
    w.fake.failNext({
      method: 'DELETE',
      path: `/v1/images/${image.id}`,
      status: 423,
      code: 'protected',
      message: 'image is protected',
    });
    await post(`/snapshots/${image.id}/delete`);
    expect(visibleText((await w.agent.get('/snapshots')).text)).toContain(
      'is protected against deletion. Remove its protection first',
    );
    expect(w.fake.images().some((i) => i.id === image.id)).toBe(true);
  });

  it('protects and unprotects, waiting for Hetzner’s action', async () => {
    w = await startSnapshotsWorld();
    const image = w.fake.addImage({ serverId: w.server.id, description: 'precious', labels: MANUAL_LABELS });
    expect((await post(`/snapshots/${image.id}/protect`)).status).toBe(303);
    expect(w.fake.images().find((i) => i.id === image.id)!.protection.delete).toBe(true);
    const call = w.fake.requests.find((r) => r.path === `/v1/images/${image.id}/actions/change_protection`)!;
    expect(call.body).toEqual({ delete: true });
    let page = await w.agent.get('/snapshots');
    expect(visibleText(page.text)).toContain('Snapshot “precious” is now protected against deletion.');
    expect(rowText(page.text, image.id)).toContain(' protected ');
    expect(rowHtml(page.text, image.id)).not.toContain('/delete"');

    await post(`/snapshots/${image.id}/unprotect`);
    expect(w.fake.images().find((i) => i.id === image.id)!.protection.delete).toBe(false);
    page = await w.agent.get('/snapshots');
    expect(rowText(page.text, image.id)).toContain('not protected');
  });

  it('keeps an automatic snapshot (label kind=kept, other labels untouched) and returns it to retention', async () => {
    w = await startSnapshotsWorld();
    const image = w.fake.addImage({
      serverId: w.server.id,
      description: 'auto one',
      labels: { ...PANEL_LABELS, 'snapshot-panel/kind': 'auto', team: 'ops' },
    });
    await post(`/snapshots/${image.id}/keep`);
    const put = w.fake.requests.find((r) => r.method === 'PUT' && r.path === `/v1/images/${image.id}`)!;
    // The server label is added on the way: the snapshot is then found by label like every newer one.
    expect(put.body).toEqual({
      labels: {
        'managed-by': 'snapshot-panel',
        'snapshot-panel/kind': 'kept',
        'snapshot-panel/server': String(w.server.id),
        team: 'ops',
      },
    });
    expect(w.fake.images().find((i) => i.id === image.id)!.labels).toEqual({
      'managed-by': 'snapshot-panel',
      'snapshot-panel/kind': 'kept',
      'snapshot-panel/server': String(w.server.id),
      team: 'ops',
    });
    let page = await w.agent.get('/snapshots');
    expect(rowText(page.text, image.id)).toContain('kept: marked to keep');
    expect(visibleText(page.text)).toContain('is now kept: retention never removes it.');

    await post(`/snapshots/${image.id}/unkeep`);
    expect(w.fake.images().find((i) => i.id === image.id)!.labels).toEqual({
      'managed-by': 'snapshot-panel',
      'snapshot-panel/kind': 'auto',
      'snapshot-panel/server': String(w.server.id),
      team: 'ops',
    });
    page = await w.agent.get('/snapshots');
    expect(rowText(page.text, image.id)).toContain('automatic');
  });

  it('does not "keep" a manual or foreign snapshot', async () => {
    w = await startSnapshotsWorld();
    const manual = w.fake.addImage({
      serverId: w.server.id,
      description: 'manual',
      labels: { ...PANEL_LABELS, 'snapshot-panel/kind': 'manual' },
    });
    await post(`/snapshots/${manual.id}/keep`);
    expect(requestsTo(w.fake, 'PUT', `/v1/images/${manual.id}`)).toBe(0);
    expect(visibleText((await w.agent.get('/snapshots')).text)).toContain('is not an automatic snapshot');
  });

  it('touches only snapshots of this server: anything else is not found', async () => {
    w = await startSnapshotsWorld();
    const foreign = w.fake.addImage({ serverId: w.otherServer.id, description: 'db' });
    const backup = w.fake.addImage({ serverId: w.server.id, type: 'backup', description: 'Backup' });
    const system = w.fake.addImage({ type: 'system', serverId: null });
    for (const id of [foreign.id, backup.id, system.id, 999999]) {
      expect((await w.agent.get(`/snapshots/${id}/delete`)).status).toBe(404);
      for (const action of ['delete', 'protect', 'unprotect', 'keep', 'unkeep']) {
        expect((await post(`/snapshots/${id}/${action}`)).status).toBe(404);
      }
    }
    expect((await w.agent.get('/snapshots/abc/delete')).status).toBe(404);
    expect((await post('/snapshots/-1/delete')).status).toBe(404);
    expect(w.fake.requests.filter((r) => r.method !== 'GET')).toEqual([]);
    expect(w.fake.images().find((i) => i.id === foreign.id)).toBeDefined();
  });

  it('refuses a take-snapshot form without a CSRF token', async () => {
    w = await startSnapshotsWorld();
    const res = await w.agent.post('/snapshots').type('form').send({ description: 'forged' });
    expect(res.status).toBe(403);
    expect(requestsTo(w.fake, 'POST', createPath())).toBe(0);
  });
});
