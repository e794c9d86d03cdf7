import { FakeHcloud } from './fake-hcloud.server';
import { callFake } from './fake-hcloud.spec-helpers';

const TOKEN = 'faults-token';

describe('fake Hetzner API: scripted failures', () => {
  let fake: FakeHcloud;

  beforeAll(async () => {
    fake = await FakeHcloud.start();
  });
  afterAll(() => fake.close());
  beforeEach(() => {
    fake.reset();
    fake.addToken(TOKEN);
  });

  const get = (path: string, signal?: AbortSignal) => callFake(fake, 'GET', path, { token: TOKEN, signal });

  it('answers the given status and code once, then normally again', async () => {
    fake.failNext({ path: '/v1/images', status: 409, code: 'conflict', message: 'try again' });
    const failed = await get('/v1/images');
    expect(failed.status).toBe(409);
    expect(failed.json).toEqual({ error: { code: 'conflict', message: 'try again', details: {} } });
    expect(failed.headers.get('ratelimit-limit')).toBe('3600');
    expect((await get('/v1/images')).status).toBe(200);
    expect(fake.requests.map((request) => request.status)).toEqual([409, 200]);
  });

  it('picks the code that belongs to a status when none is given', async () => {
    fake.failNext({ path: '/v1/images', status: 504 });
    fake.failNext({ path: '/v1/images', status: 503 });
    expect((await get('/v1/images')).json.error.code).toBe('timeout');
    expect((await get('/v1/images')).json.error.code).toBe('unavailable');
  });

  it('picks the status that belongs to a code when none is given', async () => {
    fake.failNext({ path: '/v1/images', code: 'conflict' });
    fake.failNext({ path: '/v1/images', code: 'maintenance' });
    expect((await get('/v1/images')).status).toBe(409);
    expect((await get('/v1/images')).status).toBe(403);
  });

  it('answers a 502 without a code the way a proxy does: no JSON body', async () => {
    fake.failNext({ path: '/v1/images', status: 502 });
    const response = await get('/v1/images');
    expect(response.status).toBe(502);
    expect(response.json).toBeUndefined();
    expect(response.headers.get('content-type')).toContain('text/plain');
  });

  it('matches by method, by regular expression, and for as many times as asked', async () => {
    const server = fake.addServer();
    fake.failNext({
      method: 'POST',
      path: /\/v1\/servers\/\d+\/actions\/create_image/,
      times: 2,
      status: 500,
    });
    expect((await get(`/v1/servers/${server.id}`)).status).toBe(200);
    const create = () =>
      callFake(fake, 'POST', `/v1/servers/${server.id}/actions/create_image`, { token: TOKEN, body: {} });
    expect((await create()).status).toBe(500);
    expect((await create()).status).toBe(500);
    expect((await create()).status).toBe(201);
  });

  it('sets RateLimit-Reset from resetAfterSeconds on an injected 429', async () => {
    fake.failNext({ path: '/v1/images', status: 429, resetAfterSeconds: 30 });
    const response = await get('/v1/images');
    expect(response.status).toBe(429);
    expect(response.json.error.code).toBe('rate_limit_exceeded');
    expect(response.headers.get('ratelimit-remaining')).toBe('0');
    const resetIn = Number(response.headers.get('ratelimit-reset')) - fake.now().getTime() / 1000;
    expect(resetIn).toBeGreaterThan(28);
    expect(resetIn).toBeLessThanOrEqual(31);
  });

  it('hangs a request until the client gives up, and logs it unanswered', async () => {
    fake.failNext({ path: '/v1/images', hang: true });
    await expect(get('/v1/images', AbortSignal.timeout(200))).rejects.toThrow(/aborted|timeout/i);
    expect(fake.requests[0]).toMatchObject({ path: '/v1/images', status: 0 });
    expect((await get('/v1/images')).status).toBe(200);
  });

  it('answers late, but normally, with delayMs', async () => {
    fake.failNext({ path: '/v1/servers', delayMs: 300 });
    const started = Date.now();
    const response = await get('/v1/servers');
    expect(response.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('sends half the body and closes on truncate, after the request took effect', async () => {
    const server = fake.addServer();
    fake.failNext({ path: `/v1/servers/${server.id}/actions/create_image`, truncate: true });
    await expect(
      callFake(fake, 'POST', `/v1/servers/${server.id}/actions/create_image`, { token: TOKEN, body: {} }),
    ).rejects.toThrow();
    expect(fake.images()).toHaveLength(1);
    expect(fake.requests[0].status).toBe(201);
  });

  it('adds setLatency to every answer', async () => {
    fake.setLatency(150);
    const started = Date.now();
    await get('/v1/servers');
    await callFake(fake, 'GET', '/hetzner/v1/metadata');
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('can target the metadata service', async () => {
    const server = fake.addServer();
    fake.setMetadata({ serverId: server.id });
    fake.failNext({ path: '/hetzner/v1/metadata/instance-id', status: 500 });
    expect((await callFake(fake, 'GET', '/hetzner/v1/metadata/instance-id')).status).toBe(500);
    expect((await callFake(fake, 'GET', '/hetzner/v1/metadata/instance-id')).text).toBe(String(server.id));
  });

  it('ends hanging requests on close', async () => {
    const own = await FakeHcloud.start();
    own.addToken(TOKEN);
    own.failNext({ path: '/v1/images', hang: true });
    const pending = callFake(own, 'GET', '/v1/images', { token: TOKEN });
    await waitFor(() => own.requests.length === 1);
    await own.close();
    await expect(pending).rejects.toThrow();
  });
});

async function waitFor(condition: () => boolean): Promise<void> {
  for (let tries = 0; tries < 100 && !condition(); tries++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
