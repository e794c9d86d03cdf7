import { FakeHcloud } from './fake-hcloud.server';
import { callFake } from './fake-hcloud.spec-helpers';
import { FakeServerRecord } from './fake-hcloud.types';

const TOKEN = 'actions-token';
const DURATION_MS = 10_000;

describe('fake Hetzner API: actions', () => {
  let fake: FakeHcloud;
  let server: FakeServerRecord;

  beforeAll(async () => {
    fake = await FakeHcloud.start({ actionDurationMs: DURATION_MS });
  });
  afterAll(() => fake.close());
  beforeEach(() => {
    fake.reset();
    fake.addToken(TOKEN);
    server = fake.addServer({ name: 'web-1', diskGb: 80 });
  });

  const call = (method: string, url: string, body?: unknown) =>
    callFake(fake, method, url, { token: TOKEN, body });
  const createImage = (body: unknown = { type: 'snapshot' }) =>
    call('POST', `/v1/servers/${server.id}/actions/create_image`, body);

  describe('create_image', () => {
    it('answers 201 with a creating image and a running action', async () => {
      const response = await createImage({
        type: 'snapshot',
        description: 'nightly',
        labels: { 'managed-by': 'snapshot-panel' },
      });
      expect(response.status).toBe(201);
      const { image, action } = response.json;
      expect(image).toMatchObject({
        type: 'snapshot',
        status: 'creating',
        image_size: null,
        disk_size: 80,
        description: 'nightly',
        labels: { 'managed-by': 'snapshot-panel' },
        created_from: { id: server.id, name: 'web-1' },
        bound_to: null,
        protection: { delete: false },
      });
      expect(action).toMatchObject({
        command: 'create_image',
        status: 'running',
        progress: 0,
        finished: null,
        error: null,
        resources: [
          { id: server.id, type: 'server' },
          { id: image.id, type: 'image' },
        ],
      });
    });

    it('moves from creating to available as the fake clock passes', async () => {
      const { image, action } = (await createImage()).json;

      fake.advance(DURATION_MS / 2);
      const halfway = (await call('GET', `/v1/actions/${action.id}`)).json.action;
      expect(halfway.status).toBe('running');
      expect(halfway.progress).toBeGreaterThanOrEqual(50);
      expect(halfway.progress).toBeLessThan(100);
      expect((await call('GET', `/v1/images/${image.id}`)).json.image.status).toBe('creating');

      fake.advance(DURATION_MS / 2);
      const done = (await call('GET', `/v1/actions/${action.id}`)).json.action;
      expect(done).toMatchObject({ status: 'success', progress: 100, error: null });
      expect(Date.parse(done.finished) - Date.parse(done.started)).toBeGreaterThanOrEqual(DURATION_MS - 1000);
      const available = (await call('GET', `/v1/images/${image.id}`)).json.image;
      expect(available.status).toBe('available');
      expect(typeof available.image_size).toBe('number');
      expect(available.image_size).toBeGreaterThan(0);
      expect(available.image_size).toBeLessThan(80);
    });

    it('locks the server while it runs: any server action answers 423 locked', async () => {
      fake.addImage({ type: 'system', name: 'ubuntu-24.04' });
      await createImage();
      for (const path of ['create_image', 'rebuild', 'poweroff', 'poweron', 'shutdown']) {
        const body =
          path === 'rebuild' ? { image: 'ubuntu-24.04' } : path === 'create_image' ? {} : undefined;
        const response = await call('POST', `/v1/servers/${server.id}/actions/${path}`, body);
        expect([path, response.status, response.json.error.code]).toEqual([path, 423, 'locked']);
      }
      expect((await call('GET', `/v1/servers/${server.id}`)).json.server.locked).toBe(true);

      fake.advance(DURATION_MS);
      expect((await createImage()).status).toBe(201);
    });

    it('ends in error and removes the image when the action is made to fail', async () => {
      fake.failActionsNext(1, { code: 'image_failed', message: 'disk read error' });
      const { image, action } = (await createImage()).json;
      fake.advance(DURATION_MS);

      const failed = (await call('GET', `/v1/actions/${action.id}`)).json.action;
      expect(failed).toMatchObject({
        status: 'error',
        error: { code: 'image_failed', message: 'disk read error' },
      });
      expect((await call('GET', `/v1/images/${image.id}`)).status).toBe(404);

      const next = (await createImage()).json;
      fake.advance(DURATION_MS);
      expect((await call('GET', `/v1/actions/${next.action.id}`)).json.action.status).toBe('success');
    });

    it('creates a backup bound to the server', async () => {
      const { image } = (await createImage({ type: 'backup' })).json;
      expect(image).toMatchObject({ type: 'backup', bound_to: server.id });
    });

    it('refuses snapshots past the project limit with 403 resource_limit_exceeded', async () => {
      fake.addImages(2);
      fake.setSnapshotLimit(1, 2);
      const refused = await createImage();
      expect(refused.status).toBe(403);
      expect(refused.json.error).toEqual({
        code: 'resource_limit_exceeded',
        message: 'project limit exceeded',
        details: { limits: [{ name: 'project_limit' }] },
      });
      fake.setSnapshotLimit(1, null);
      expect((await createImage()).status).toBe(201);
    });

    it('answers 422 invalid_input for a bad body and 404 for an unknown server', async () => {
      const bad = await createImage({ type: 'system', labels: { a: 1 }, description: 5 });
      expect(bad.status).toBe(422);
      expect(bad.json.error.details.fields.map((field: { name: string }) => field.name).sort()).toEqual([
        'description',
        'labels',
        'type',
      ]);
      // Label keys are the API's own rule, checked once the body fits the schema.
      const reserved = await createImage({ labels: { 'hetzner.cloud/x': 'y' } });
      expect(reserved.json.error.details.fields).toEqual([
        { name: 'labels', messages: ["invalid label key 'hetzner.cloud/x'"] },
      ]);
      const missing = await call('POST', '/v1/servers/999999/actions/create_image', {});
      expect([missing.status, missing.json.error.code]).toEqual([404, 'not_found']);
    });
  });

  describe('rebuild', () => {
    it('rebuilds from a snapshot id or an image name and sets the server image', async () => {
      const snapshot = fake.addImage({ serverId: server.id });
      const response = await call('POST', `/v1/servers/${server.id}/actions/rebuild`, {
        image: String(snapshot.id),
      });
      expect(response.status).toBe(201);
      expect(response.json).toMatchObject({ root_password: null, action: { command: 'rebuild_server' } });
      expect((await call('GET', `/v1/servers/${server.id}`)).json.server.status).toBe('rebuilding');

      fake.advance(DURATION_MS);
      const rebuilt = (await call('GET', `/v1/servers/${server.id}`)).json.server;
      expect(rebuilt).toMatchObject({ status: 'running', locked: false, image: { id: snapshot.id } });

      fake.addImage({ type: 'system', name: 'debian-12' });
      const byName = await call('POST', `/v1/servers/${server.id}/actions/rebuild`, { image: 'debian-12' });
      expect(byName.status).toBe(201);
    });

    it('answers 404 for an image it cannot see', async () => {
      const other = fake.addProject();
      const foreign = fake.addImage({ projectId: other, serverId: null });
      const response = await call('POST', `/v1/servers/${server.id}/actions/rebuild`, { image: foreign.id });
      expect(response.status).toBe(404);
    });
  });

  describe('power actions', () => {
    it.each([
      ['poweroff', 'stop_server', 'off'],
      ['shutdown', 'shutdown_server', 'off'],
      ['poweron', 'start_server', 'running'],
    ])('%s runs %s and leaves the server %s', async (path, command, status) => {
      server.status = path === 'poweron' ? 'off' : 'running';
      const response = await call('POST', `/v1/servers/${server.id}/actions/${path}`);
      expect(response.status).toBe(201);
      expect(response.json.action).toMatchObject({ command, status: 'running' });
      fake.advance(DURATION_MS);
      expect(fake.servers()[0].status).toBe(status);
    });
  });

  describe('looking actions up', () => {
    it('finds actions by id, by ?id=, through the server (deprecated) and through the image', async () => {
      const { image, action } = (await createImage()).json;
      const protect = (
        await call('POST', `/v1/images/${image.id}/actions/change_protection`, { delete: true })
      ).json.action;

      expect((await call('GET', `/v1/actions/${action.id}`)).json.action.id).toBe(action.id);
      const listed = await call('GET', `/v1/actions?id=${action.id}&id=${protect.id}&id=1`);
      expect(listed.json.actions.map((found: { id: number }) => found.id)).toEqual([action.id, protect.id]);
      expect((await call('GET', `/v1/servers/${server.id}/actions/${action.id}`)).json.action.id).toBe(
        action.id,
      );
      expect((await call('GET', `/v1/servers/${server.id}/actions/${protect.id}`)).status).toBe(404);
      const ofServer = await call('GET', `/v1/servers/${server.id}/actions`);
      expect(ofServer.json.actions.map((found: { id: number }) => found.id)).toEqual([action.id]);
      const ofImage = await call('GET', `/v1/images/${image.id}/actions?sort=id:desc`);
      expect(ofImage.json.actions.map((found: { id: number }) => found.id)).toEqual([protect.id, action.id]);
      const running = await call('GET', `/v1/images/${image.id}/actions?status=running`);
      expect(running.json.actions.map((found: { id: number }) => found.id)).toEqual([action.id]);
    });

    it('keeps a creating image from being deleted (423 locked)', async () => {
      const { image } = (await createImage()).json;
      const response = await call('DELETE', `/v1/images/${image.id}`);
      expect([response.status, response.json.error.code]).toEqual([423, 'locked']);
    });

    it('reports state snapshots that settle against the clock', async () => {
      await createImage();
      expect(fake.actions()[0].status).toBe('running');
      fake.advance(DURATION_MS);
      expect(fake.actions()[0]).toMatchObject({ status: 'success', progress: 100 });
      expect(fake.images()[0].status).toBe('available');
    });
  });

  describe('pricing', () => {
    it('shows the image price per GB and the server type price the server was given', async () => {
      fake.addServer({ priceMonthlyGross: '9.9900', locationName: 'nbg1' });
      const { pricing } = (await call('GET', '/v1/pricing')).json;
      expect(pricing.currency).toBe('EUR');
      expect(pricing.image.price_per_gb_month).toEqual({ net: '0.0110', gross: '0.0131' });
      const cx22 = pricing.server_types.find((type: { name: string }) => type.name === 'cx22');
      const nbg1 = cx22.prices.find((price: { location: string }) => price.location === 'nbg1');
      expect(nbg1.price_monthly).toEqual({ net: '8.3950', gross: '9.9900' });
    });
  });
});
