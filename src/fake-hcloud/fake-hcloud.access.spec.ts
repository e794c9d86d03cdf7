import { FakeHcloud } from './fake-hcloud.server';
import { callFake } from './fake-hcloud.spec-helpers';

describe('fake Hetzner API: tokens, projects, rate limits and the request log', () => {
  let fake: FakeHcloud;

  beforeAll(async () => {
    fake = await FakeHcloud.start();
  });
  afterAll(() => fake.close());
  beforeEach(() => {
    fake.reset();
    fake.addToken('rw');
    fake.addToken('ro', { mode: 'read_only' });
  });

  describe('tokens', () => {
    it.each([
      ['no Authorization header', undefined],
      ['an unknown token', 'nope'],
    ])('answers 401 unauthorized for %s', async (_case, token) => {
      const response = await callFake(fake, 'GET', '/v1/images', { token });
      expect(response.status).toBe(401);
      expect(response.json.error.code).toBe('unauthorized');
    });

    it('lets a read-only token read but answers 401 token_readonly to anything else, before looking the resource up', async () => {
      const image = fake.addImage({ serverId: null });
      expect((await callFake(fake, 'GET', `/v1/images/${image.id}`, { token: 'ro' })).status).toBe(200);
      for (const [method, path] of [
        ['DELETE', `/v1/images/${image.id}`],
        ['PUT', `/v1/images/${image.id}`],
        ['DELETE', '/v1/images/424242'],
        ['POST', '/v1/servers/424242/actions/create_image'],
      ]) {
        const response = await callFake(fake, method, path, { token: 'ro', body: {} });
        expect([method, path, response.status, response.json.error.code]).toEqual([
          method,
          path,
          401,
          'token_readonly',
        ]);
      }
      expect(fake.images()).toHaveLength(1);
    });

    it("hides another project's servers, images and actions behind 404 not_found", async () => {
      const other = fake.addProject();
      fake.addToken('other', { projectId: other });
      const server = fake.addServer();
      const image = fake.addImage({ serverId: server.id });
      const created = await callFake(fake, 'POST', `/v1/servers/${server.id}/actions/create_image`, {
        token: 'rw',
        body: {},
      });

      for (const path of [
        `/v1/servers/${server.id}`,
        `/v1/images/${image.id}`,
        `/v1/actions/${created.json.action.id}`,
      ]) {
        const response = await callFake(fake, 'GET', path, { token: 'other' });
        expect([path, response.status, response.json.error.code]).toEqual([path, 404, 'not_found']);
      }
      const images = await callFake(fake, 'GET', '/v1/images', { token: 'other' });
      expect(images.json.images).toEqual([]);
      const servers = await callFake(fake, 'GET', '/v1/servers', { token: 'other' });
      expect(servers.json.servers).toEqual([]);
    });
  });

  describe('rate limiting', () => {
    it('sends RateLimit headers on every /v1 answer, errors included', async () => {
      for (const token of ['rw', 'nope']) {
        const response = await callFake(fake, 'GET', '/v1/images/1', { token });
        expect(response.headers.get('ratelimit-limit')).toBe('3600');
        expect(Number(response.headers.get('ratelimit-remaining'))).toBeGreaterThan(3500);
        expect(Number(response.headers.get('ratelimit-reset'))).toBeGreaterThanOrEqual(
          Math.floor(Date.now() / 1000),
        );
      }
    });

    it('spends one request per call and answers 429 once the budget is gone, until the clock refills it', async () => {
      fake.setRateLimit(1, 2, 10);
      const nowSeconds = () => Math.floor(fake.now().getTime() / 1000);

      const first = await callFake(fake, 'GET', '/v1/servers', { token: 'rw' });
      expect(first.headers.get('ratelimit-remaining')).toBe('1');
      await callFake(fake, 'GET', '/v1/servers', { token: 'rw' });

      const limited = await callFake(fake, 'GET', '/v1/servers', { token: 'rw' });
      expect(limited.status).toBe(429);
      expect(limited.json.error.code).toBe('rate_limit_exceeded');
      expect(limited.headers.get('ratelimit-limit')).toBe('10');
      expect(limited.headers.get('ratelimit-remaining')).toBe('0');
      const reset = Number(limited.headers.get('ratelimit-reset'));
      expect(reset - nowSeconds()).toBeGreaterThanOrEqual(9);
      expect(reset - nowSeconds()).toBeLessThanOrEqual(11);

      fake.advance(1000);
      const refilled = await callFake(fake, 'GET', '/v1/servers', { token: 'rw' });
      expect(refilled.status).toBe(200);
      expect(refilled.headers.get('ratelimit-remaining')).toBe('0');

      fake.advance(60_000);
      const full = await callFake(fake, 'GET', '/v1/servers', { token: 'rw' });
      expect(full.headers.get('ratelimit-remaining')).toBe('9');
    });

    it('keeps one budget per project, shared by its tokens', async () => {
      const other = fake.addProject();
      fake.addToken('other', { projectId: other });
      fake.setRateLimit(1, 0);
      expect((await callFake(fake, 'GET', '/v1/servers', { token: 'ro' })).status).toBe(429);
      expect((await callFake(fake, 'GET', '/v1/servers', { token: 'other' })).status).toBe(200);
    });

    it('honours the rateLimit option', async () => {
      const small = await FakeHcloud.start({ rateLimit: 2 });
      try {
        small.addToken('t');
        expect(
          (await callFake(small, 'GET', '/v1/servers', { token: 't' })).headers.get('ratelimit-limit'),
        ).toBe('2');
        await callFake(small, 'GET', '/v1/servers', { token: 't' });
        expect((await callFake(small, 'GET', '/v1/servers', { token: 't' })).status).toBe(429);
      } finally {
        await small.close();
      }
    });
  });

  describe('request log', () => {
    it('records method, path, query, status, body and time, and never the token', async () => {
      const server = fake.addServer();
      const before = fake.now().getTime();
      await callFake(fake, 'GET', '/v1/images?type=snapshot&type=backup&per_page=50', {
        token: 'secret-token',
      });
      await callFake(fake, 'POST', `/v1/servers/${server.id}/actions/create_image`, {
        token: 'rw',
        body: { description: 'x' },
      });
      await callFake(fake, 'GET', '/hetzner/v1/metadata/hostname');

      expect(fake.requests).toEqual([
        {
          method: 'GET',
          path: '/v1/images',
          query: { type: ['snapshot', 'backup'], per_page: '50' },
          status: 401,
          at: expect.any(Date),
          token: '[redacted]',
        },
        {
          method: 'POST',
          path: `/v1/servers/${server.id}/actions/create_image`,
          query: {},
          status: 201,
          body: { description: 'x' },
          at: expect.any(Date),
          token: '[redacted]',
        },
        {
          method: 'GET',
          path: '/hetzner/v1/metadata/hostname',
          query: {},
          status: 404,
          at: expect.any(Date),
        },
      ]);
      expect(fake.requests[0].at.getTime()).toBeGreaterThanOrEqual(before);
      expect(JSON.stringify(fake.requests)).not.toContain('secret-token');

      fake.clearRequests();
      expect(fake.requests).toEqual([]);
    });
  });

  describe('reset', () => {
    it('empties the fake but keeps its port', async () => {
      const url = fake.url;
      fake.addServer();
      fake.addImage();
      fake.advance(60_000);
      fake.reset();
      expect(fake.url).toBe(url);
      expect([fake.servers(), fake.images(), fake.actions(), fake.requests]).toEqual([[], [], [], []]);
      expect(Math.abs(fake.now().getTime() - Date.now())).toBeLessThan(1000);
      expect((await callFake(fake, 'GET', '/v1/servers', { token: 'rw' })).status).toBe(401);
    });
  });
});
