// The client against the fake Hetzner API (src/fake-hcloud): the same flows the panel runs, end to end over HTTP.
import { FakeHcloud } from '../../fake-hcloud/fake-hcloud.server';
import type { FakeServerRecord } from '../../fake-hcloud/fake-hcloud.types';
import { describeHcloudError, MetadataUnavailableError } from './hcloud-api.error';
import { HcloudClient } from './hcloud.client';
import { MetadataClient } from './metadata.client';
import { WRITE_PROBE } from './token-check';

const RW_TOKEN = 'rw-token-0123456789abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJ';
const RO_TOKEN = 'ro-token-0123456789abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJ';
const MANAGED = { 'managed-by': 'snapshot-panel' };

let fake: FakeHcloud;
let server: FakeServerRecord;
let sleeps: number[];

function client(token = RW_TOKEN): HcloudClient {
  return new HcloudClient({
    endpoint: fake.apiEndpoint,
    token,
    userAgent: 'snapshot-panel/0.1.0',
    timeoutMs: 5_000,
    // Waiting moves the fake's clock, so actions progress without real time passing.
    sleep: async (ms) => {
      sleeps.push(ms);
      fake.advance(ms);
    },
    now: () => fake.now().getTime(),
    random: () => 0,
  });
}

beforeEach(async () => {
  fake = await FakeHcloud.start();
  fake.addToken(RW_TOKEN);
  fake.addToken(RO_TOKEN, { mode: 'read_only' });
  server = fake.addServer({ name: 'panel-host' });
  sleeps = [];
});

afterEach(async () => {
  await fake.close();
});

test('create → wait → list by label_selector across pages → delete', async () => {
  fake.addImages(120, { serverId: server.id, labels: MANAGED });
  fake.addImages(15, { serverId: server.id, labels: { 'managed-by': 'someone-else' } });
  const hcloud = client();

  const { image, action } = await hcloud.createImage(server.id, { description: 'nightly', labels: MANAGED });
  expect(image).toMatchObject({
    type: 'snapshot',
    status: 'creating',
    image_size: null,
    description: 'nightly',
    labels: MANAGED,
  });
  expect(action).toMatchObject({ command: 'create_image', status: 'running' });

  const done = await hcloud.waitForAction(action);
  expect(done.status).toBe('success');
  expect(sleeps.every((ms) => ms <= 30_000)).toBe(true);
  expect((await hcloud.getImage(image.id)).status).toBe('available');

  fake.clearRequests();
  const listed = await hcloud.listImages({ type: 'snapshot', label_selector: 'managed-by=snapshot-panel' });
  expect(listed).toHaveLength(121);
  expect(new Set(listed.map((i) => i.id)).size).toBe(121);
  expect(listed.some((i) => i.id === image.id)).toBe(true);
  expect(
    fake.requests.map((r) => [r.method, r.path, r.query.page, r.query.per_page, r.query.label_selector]),
  ).toEqual([
    ['GET', '/v1/images', '1', '50', 'managed-by=snapshot-panel'],
    ['GET', '/v1/images', '2', '50', 'managed-by=snapshot-panel'],
    ['GET', '/v1/images', '3', '50', 'managed-by=snapshot-panel'],
  ]);

  await hcloud.deleteImage(image.id);
  expect(fake.images().some((i) => i.id === image.id)).toBe(false);
  await expect(hcloud.getImage(image.id)).rejects.toMatchObject({ status: 404, code: 'not_found' });
});

test('protection: a protected snapshot cannot be deleted (423 protected, not retried)', async () => {
  const [img] = fake.addImages(1, { serverId: server.id, labels: MANAGED });
  const hcloud = client();
  await hcloud.waitForAction(await hcloud.changeImageProtection(img.id, { delete: true }));
  fake.clearRequests();
  await expect(hcloud.deleteImage(img.id)).rejects.toMatchObject({ status: 423, code: 'protected' });
  expect(fake.requests).toHaveLength(1);
});

test('an injected 503 on GET is retried; a 502 on create_image is not', async () => {
  const hcloud = client();
  fake.failNext({ method: 'GET', path: `/v1/servers/${server.id}`, status: 503, code: 'unavailable' });
  await expect(hcloud.getServer(server.id)).resolves.toMatchObject({ id: server.id, name: 'panel-host' });
  expect(sleeps).toEqual([500]);

  fake.clearRequests();
  fake.failNext({ method: 'POST', path: `/v1/servers/${server.id}/actions/create_image`, status: 502 });
  await expect(hcloud.createImage(server.id, {})).rejects.toMatchObject({ status: 502 });
  expect(fake.requests).toHaveLength(1);
});

test('checkToken outcomes', async () => {
  // The fake checks requests against openapi.json, so a probe the spec forbids would end in 422 here.
  fake.clearRequests();
  await expect(client().checkToken(server.id)).resolves.toMatchObject({
    kind: 'read_write',
    server: { id: server.id },
  });
  await expect(client(RO_TOKEN).checkToken(server.id)).resolves.toMatchObject({
    kind: 'read_only',
    server: { id: server.id },
  });
  const probes = fake.requests.filter((request) => request.method !== 'GET');
  expect(probes.map(({ method, path, body, status }) => ({ method, path, body, status }))).toEqual([
    { method: 'PUT', path: `/v1${WRITE_PROBE.path}`, body: {}, status: 404 },
    { method: 'PUT', path: `/v1${WRITE_PROBE.path}`, body: {}, status: 401 },
  ]);
  await expect(client('not-a-known-token').checkToken(server.id)).resolves.toEqual({ kind: 'unauthorized' });
  const other = fake.addProject();
  const foreign = fake.addServer({ projectId: other });
  await expect(client().checkToken(foreign.id)).resolves.toEqual({ kind: 'wrong_project' });
  // Nothing on the account changed.
  expect(fake.images()).toHaveLength(0);
  expect(fake.actions()).toHaveLength(0);
});

test('lastRateLimit follows the fake budget', async () => {
  const hcloud = client();
  await hcloud.getServer(server.id);
  const first = hcloud.lastRateLimit;
  await hcloud.getServer(server.id);
  expect(first).not.toBeNull();
  expect(hcloud.lastRateLimit!.remaining).toBe(first!.remaining - 1);
});

test('metadata: the server it describes, and not-on-Hetzner when it answers 404', async () => {
  fake.setMetadata({ serverId: server.id });
  await expect(new MetadataClient({ endpoint: fake.metadataEndpoint }).getInstance()).resolves.toMatchObject({
    serverId: server.id,
    hostname: 'panel-host',
  });
  fake.setMetadata(null);
  await expect(new MetadataClient({ endpoint: fake.metadataEndpoint }).getInstance()).rejects.toBeInstanceOf(
    MetadataUnavailableError,
  );
});

describe('deadlineMs: one total budget per call, retries and backoff included', () => {
  function pageClient(deadlineMs: number): HcloudClient {
    // A page's client: the per-try timeout and the retries alone would let it wait 30 s × 6.
    return new HcloudClient({
      endpoint: fake.apiEndpoint,
      token: RW_TOKEN,
      userAgent: 'snapshot-panel/0.1.0',
      timeoutMs: 30_000,
      maxRetries: 5,
      deadlineMs,
      random: () => 0,
    });
  }

  test('a hanging API: the call gives up at the deadline with code timeout, not after the per-try timeout', async () => {
    fake.failNext({ path: `/v1/servers/${server.id}`, hang: true, times: 10 });
    const started = performance.now();
    const err = await pageClient(200)
      .getServer(server.id)
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(err).toMatchObject({ status: 0, code: 'timeout' });
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  test('the backoff between retries counts: a 503 that would be retried after a pause ends at the deadline', async () => {
    fake.failNext({ path: `/v1/servers/${server.id}`, status: 503, code: 'unavailable', times: 10 });
    const err = await pageClient(150)
      .getServer(server.id)
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(err).toMatchObject({ status: 0, code: 'timeout' });
    expect(fake.requests.filter((r) => r.path === `/v1/servers/${server.id}`)).toHaveLength(1);
  });

  test('an API that answers in time is unaffected', async () => {
    await expect(pageClient(2_000).getServer(server.id)).resolves.toMatchObject({ id: server.id });
  });
});

describe('servers for restore drills', () => {
  test('createServer from a snapshot → wait → listServers by label across pages → deleteServer (404 is gone)', async () => {
    const snapshot = fake.addImage({ serverId: server.id });
    for (let i = 0; i < 55; i++)
      fake.addServer({ name: `drill-${i}`, labels: { 'snapshot-panel/kind': 'drill' } });
    const hcloud = client();
    const created = await hcloud.createServer({
      name: 'snapshot-panel-drill-1-1',
      serverType: 'cx22',
      imageId: snapshot.id,
      location: 'fsn1',
      labels: { 'snapshot-panel/kind': 'drill' },
      enableIpv4: false,
    });
    expect(created.server).toMatchObject({ status: 'initializing', public_net: { ipv4: null } });
    await hcloud.waitForAction(created.action);
    expect((await hcloud.getServer(created.server.id)).status).toBe('running');
    const drills = await hcloud.listServers({ label_selector: 'snapshot-panel/kind=drill' });
    expect(drills).toHaveLength(56);
    expect(fake.requests.filter((r) => r.path === '/v1/servers' && r.method === 'GET')).toHaveLength(2);
    expect(await hcloud.deleteServer(created.server.id)).toMatchObject({ command: 'delete_server' });
    expect(await hcloud.deleteServer(created.server.id)).toBeNull();
  });

  test('listServerTypes gives disk, architecture, prices and availability per location', async () => {
    const types = await client().listServerTypes();
    const cpx11 = types.find((t) => t.name === 'cpx11')!;
    expect(cpx11).toMatchObject({ disk: 40, architecture: 'x86' });
    expect(cpx11.locations?.find((l) => l.name === 'fsn1')?.available).toBe(false);
    expect(types.find((t) => t.name === 'cax11')?.architecture).toBe('arm');
  });

  test('a server limit is 403 resource_limit_exceeded with the server sentence, not retried', async () => {
    const snapshot = fake.addImage({ serverId: server.id });
    fake.setServerLimit(1, 1);
    const err = await client()
      .createServer({
        name: 'd',
        serverType: 'cx22',
        imageId: snapshot.id,
        location: 'fsn1',
        labels: {},
        enableIpv4: false,
      })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 403, code: 'resource_limit_exceeded' });
    expect(fake.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
    expect(describeHcloudError(err)).toContain('limit for servers');
  });
});
