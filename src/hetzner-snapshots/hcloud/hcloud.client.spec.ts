import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { inspect } from 'node:util';
import { describeHcloudError, HcloudActionFailedError, HcloudApiError } from './hcloud-api.error';
import type { HcloudClientOptions } from './hcloud-client.options';
import { HcloudClient } from './hcloud.client';
import type { HcloudAction, HcloudImage, HcloudRequestEvent, HcloudServer } from './hcloud.types';
import { PROJECT_ROOT } from '../../project-root';
import { ScriptedServer, type ScriptedStep } from './scripted-server.testing';

// The API's own example bodies, vendored from Hetzner's spec (vendor/hcloud/README.md).
const SAMPLES = resolve(PROJECT_ROOT, 'vendor/hcloud/samples');
const sample = <T>(file: string): T =>
  (JSON.parse(readFileSync(resolve(SAMPLES, file), 'utf8')) as { body: T }).body;
const ERRORS = JSON.parse(readFileSync(resolve(SAMPLES, 'errors.json'), 'utf8')) as Record<
  string,
  { error: { code: string; message: string; details: unknown } }
>;

const TOKEN = 'LRK9DAWQ1ZAEFSrCNEEzLCUwhYX1U3g7wMg4dTlkkDC96fyDuyJ39nVbVjCKSDfj';
const USER_AGENT = 'snapshot-panel/0.1.0';
const T0 = Date.UTC(2026, 4, 11, 10, 0, 0);

const SERVER = sample<{ server: HcloudServer }>('get_servers_ID.response.200.json');
const IMAGE = sample<{ image: HcloudImage }>('get_images_ID.response.200.json').image;
const CREATED = sample<{ image: HcloudImage; action: HcloudAction }>(
  'post_servers_ID_actions_create_image.response.201.inprogress.json',
);
const ACTION_RUNNING: HcloudAction = CREATED.action;

const envelope = (code: string, message = `${code} happened`, details: unknown = {}) => ({
  error: { code, message, details },
});
const rateHeaders = (remaining: number, resetSec: number) => ({
  'RateLimit-Limit': '3600',
  'RateLimit-Remaining': String(remaining),
  'RateLimit-Reset': String(resetSec),
});
const actionAt = (
  status: HcloudAction['status'],
  progress: number,
  error: HcloudAction['error'] = null,
): HcloudAction => ({
  ...ACTION_RUNNING,
  status,
  progress,
  finished: status === 'running' ? null : '2026-05-11T10:01:00Z',
  error,
});

let server: ScriptedServer;
let sleeps: number[];
let events: HcloudRequestEvent[];
let clock: number;

function makeClient(overrides: Partial<HcloudClientOptions> = {}): HcloudClient {
  return new HcloudClient({
    endpoint: server.endpoint,
    token: TOKEN,
    userAgent: USER_AGENT,
    timeoutMs: 2_000,
    // Simulated time: sleeping only moves the clock, and records how long the client wanted to wait.
    sleep: async (ms) => {
      sleeps.push(ms);
      clock += ms;
    },
    random: () => 0.5,
    now: () => clock,
    onRequest: (e) => events.push(e),
    ...overrides,
  });
}

async function rejectionOf(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected the promise to reject');
}

beforeEach(async () => {
  server = await ScriptedServer.start();
  sleeps = [];
  events = [];
  clock = T0;
});

afterEach(async () => {
  try {
    server.verify();
  } finally {
    await server.close();
  }
});

describe('requests', () => {
  test('GET sends the bearer token, User-Agent and Accept, and returns the typed object', async () => {
    server.expect({
      method: 'GET',
      path: '/servers/42',
      json: SERVER,
      headers: rateHeaders(3599, T0 / 1000 + 1),
    });
    const got = await makeClient().getServer(42);
    expect(got.id).toBe(42);
    expect(got.location.name).toBe('fsn1');
    const [req] = server.requests;
    expect(req.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(req.headers['user-agent']).toBe(USER_AGENT);
    expect(req.headers.accept).toBe('application/json');
    expect(req.headers['content-type']).toBeUndefined();
    expect(events).toEqual([
      {
        method: 'GET',
        path: '/servers/42',
        status: 200,
        attempt: 1,
        durationMs: expect.any(Number),
        // Every answer's budget reaches the caller, so the panel can keep count across clients.
        rateLimit: { limit: 3600, remaining: 3599, resetAt: new Date(T0 + 1000) },
      },
    ]);
  });

  test('the endpoint may end with a slash', async () => {
    server.expect({ method: 'GET', path: '/images/42', json: { image: IMAGE } });
    await expect(makeClient({ endpoint: `${server.endpoint}/` }).getImage(42)).resolves.toEqual(IMAGE);
  });

  test('createImage POSTs type snapshot with description and labels as JSON', async () => {
    server.expect({
      method: 'POST',
      path: '/servers/42/actions/create_image',
      expectBody: { type: 'snapshot', description: 'nightly', labels: { 'managed-by': 'snapshot-panel' } },
      status: 201,
      json: CREATED,
    });
    const res = await makeClient().createImage(42, {
      description: 'nightly',
      labels: { 'managed-by': 'snapshot-panel' },
    });
    expect(res.image.status).toBe('creating');
    expect(res.image.image_size).toBeNull();
    expect(res.action).toEqual(ACTION_RUNNING);
    expect(server.requests[0].headers['content-type']).toBe('application/json');
  });

  test('createImage without description or labels sends only the type', async () => {
    server.expect({
      method: 'POST',
      path: '/servers/42/actions/create_image',
      expectBody: { type: 'snapshot' },
      status: 201,
      json: CREATED,
    });
    await makeClient().createImage(42, {});
  });

  test('updateImage PUTs description and labels', async () => {
    const updated = { ...IMAGE, description: 'kept', labels: { keep: 'yes' } };
    server.expect({
      method: 'PUT',
      path: '/images/42',
      expectBody: { description: 'kept', labels: { keep: 'yes' } },
      json: { image: updated },
    });
    await expect(
      makeClient().updateImage(42, { description: 'kept', labels: { keep: 'yes' } }),
    ).resolves.toEqual(updated);
  });

  test('deleteImage accepts 204 without a body', async () => {
    server.expect({ method: 'DELETE', path: '/images/42', status: 204 });
    await expect(makeClient().deleteImage(42)).resolves.toBeUndefined();
  });

  test('changeImageProtection POSTs {delete}', async () => {
    const file = JSON.parse(
      readFileSync(resolve(SAMPLES, 'post_images_ID_actions_change_protection.response.201.json'), 'utf8'),
    );
    const action = (file as { examples: { default: { action: HcloudAction } } }).examples.default.action;
    server.expect({
      method: 'POST',
      path: '/images/42/actions/change_protection',
      expectBody: { delete: true },
      status: 201,
      json: { action },
    });
    await expect(makeClient().changeImageProtection(42, { delete: true })).resolves.toEqual(action);
  });

  test('rebuildServer POSTs the image id as the spec string', async () => {
    server.expect({
      method: 'POST',
      path: '/servers/42/actions/rebuild',
      expectBody: { image: '4711' },
      status: 201,
      json: { action: { ...ACTION_RUNNING, command: 'rebuild_server' }, root_password: null },
    });
    await expect(makeClient().rebuildServer(42, 4711)).resolves.toMatchObject({
      action: { command: 'rebuild_server' },
    });
  });

  test('getAction and getPricing', async () => {
    const pricing = sample<{ pricing: unknown }>('get_pricing.response.200.json');
    server.expect(
      { method: 'GET', path: '/actions/13', json: { action: ACTION_RUNNING } },
      { method: 'GET', path: '/pricing', json: pricing },
    );
    const client = makeClient();
    await expect(client.getAction(13)).resolves.toEqual(ACTION_RUNNING);
    const p = await client.getPricing();
    expect(p.image.price_per_gb_month.gross).toBe('1.1900');
  });
});

describe('error mapping (no retry involved)', () => {
  const cases: { status: number; code: string; sample?: string; says: RegExp }[] = [
    { status: 400, code: 'json_error', says: /could not read/ },
    { status: 401, code: 'unauthorized', says: /invalid or unknown/ },
    { status: 401, code: 'token_readonly', says: /read-only/ },
    { status: 403, code: 'forbidden', says: /not allowed/ },
    { status: 403, code: 'maintenance', says: /maintenance/ },
    {
      status: 403,
      code: 'resource_limit_exceeded',
      sample: '403_resource_limit_exceeded',
      says: /limit for snapshots/,
    },
    {
      status: 404,
      code: 'not_found',
      sample: '404_not_found',
      says: /not found.*image with ID '4711' not found/,
    },
    { status: 405, code: 'method_not_allowed', says: /request method/ },
    { status: 409, code: 'uniqueness_error', says: /must be unique/ },
    { status: 410, code: 'deprecated_api_endpoint', sample: '410_deprecated_api_endpoint', says: /removed/ },
    { status: 412, code: 'resource_unavailable', says: /precondition/ },
    { status: 422, code: 'invalid_input', sample: '422_invalid_input', says: /invalid.*broken_field/ },
    { status: 422, code: 'service_error', says: /service failed/ },
    { status: 422, code: 'unsupported_error', says: /does not support/ },
    { status: 423, code: 'locked', sample: '423_locked', says: /busy with another action/ },
    { status: 423, code: 'protected', sample: '423_protected', says: /protected against deletion/ },
    { status: 500, code: 'server_error', says: /problem on its side \(HTTP 500, server_error\)/ },
  ];

  test.each(cases)('$status $code', async ({ status, code, sample: key, says }) => {
    const body = key ? ERRORS[key] : envelope(code);
    server.expect({
      method: 'DELETE',
      path: '/images/4711',
      status,
      json: body,
      headers: { 'X-Correlation-Id': 'abc123' },
    });
    const err = await rejectionOf(makeClient().deleteImage(4711));
    expect(err).toBeInstanceOf(HcloudApiError);
    expect(err).toMatchObject({
      status,
      code,
      message: body.error.message,
      details: body.error.details,
      method: 'DELETE',
      path: '/images/4711',
      correlationId: 'abc123',
    });
    expect(describeHcloudError(err)).toMatch(says);
    expect(server.requests).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  test('the retried codes still map cleanly once retries are used up', async () => {
    const retried: [number, string][] = [
      [409, 'conflict'],
      [429, 'rate_limit_exceeded'],
      [503, 'unavailable'],
      [504, 'timeout'],
    ];
    for (const [status, code] of retried) {
      server.expect({ method: 'GET', path: '/images/1', status, json: envelope(code) });
      const err = await rejectionOf(makeClient({ maxRetries: 0 }).getImage(1));
      expect(err).toMatchObject({ status, code });
      expect(describeHcloudError(err)).not.toMatch(/Unexpected/);
    }
  });

  test('a non-JSON error body (proxy HTML) still gives a clean HcloudApiError', async () => {
    server.expect({
      method: 'GET',
      path: '/images/1',
      status: 502,
      body: '<html><body>Bad Gateway</body></html>',
      headers: { 'content-type': 'text/html' },
    });
    const err = await rejectionOf(makeClient({ maxRetries: 0 }).getImage(1));
    expect(err).toBeInstanceOf(HcloudApiError);
    expect(err).toMatchObject({ status: 502, code: 'http_502' });
    expect((err as Error).message).toBe(
      'Hetzner Cloud API answered GET /images/1 with HTTP 502 Bad Gateway and no error details',
    );
    expect(describeHcloudError(err)).toBe(
      'The Hetzner Cloud API had a problem on its side (HTTP 502); try again later and see status.hetzner.com.',
    );
  });

  test('a JSON error body that is not the envelope is treated like no body', async () => {
    server.expect({ method: 'GET', path: '/images/1', status: 418, json: { message: 'teapot' } });
    await expect(makeClient().getImage(1)).rejects.toMatchObject({ status: 418, code: 'http_418' });
  });

  test('a 2xx body that is not JSON is an invalid_response error', async () => {
    server.expect({ method: 'GET', path: '/images/1', status: 200, body: 'not json' });
    await expect(makeClient().getImage(1)).rejects.toMatchObject({ status: 200, code: 'invalid_response' });
  });
});

describe('retries', () => {
  test('conflict is retried with exponential backoff and equal jitter', async () => {
    server.expect(
      { method: 'GET', path: '/servers/42', status: 409, json: ERRORS['409_conflict'] },
      { method: 'GET', path: '/servers/42', status: 409, json: ERRORS['409_conflict'] },
      { method: 'GET', path: '/servers/42', json: SERVER },
    );
    await makeClient().getServer(42);
    // random() = 0.5 → 75 % of 1 s, 2 s
    expect(sleeps).toEqual([750, 1500]);
    expect(events.map((e) => [e.status, e.attempt])).toEqual([
      [409, 1],
      [409, 2],
      [200, 3],
    ]);
  });

  test('429 waits until RateLimit-Reset plus jitter instead of the backoff', async () => {
    const reset = T0 / 1000 + 20;
    server.expect(
      {
        method: 'GET',
        path: '/images/42',
        status: 429,
        json: ERRORS['429_rate_limit_exceeded'],
        headers: rateHeaders(0, reset),
      },
      { method: 'GET', path: '/images/42', json: { image: IMAGE }, headers: rateHeaders(0, reset) },
    );
    await makeClient().getImage(42);
    expect(sleeps).toEqual([20_000 + 500]);
  });

  test('429 with a reset an hour away waits at most 60 s per retry', async () => {
    const reset = T0 / 1000 + 3600;
    server.expect(
      {
        method: 'GET',
        path: '/images/42',
        status: 429,
        json: ERRORS['429_rate_limit_exceeded'],
        headers: rateHeaders(0, reset),
      },
      { method: 'GET', path: '/images/42', json: { image: IMAGE } },
    );
    await makeClient().getImage(42);
    expect(sleeps).toEqual([60_500]);
  });

  test('429 used up: the error carries the reset time and the description says it', async () => {
    const reset = T0 / 1000 + 90;
    const steps: ScriptedStep[] = Array.from({ length: 3 }, () => ({
      method: 'GET',
      path: '/images/42',
      status: 429,
      json: ERRORS['429_rate_limit_exceeded'],
      headers: rateHeaders(0, reset),
    }));
    server.expect(...steps);
    const err = await rejectionOf(makeClient({ maxRetries: 2 }).getImage(42));
    expect(err).toMatchObject({
      status: 429,
      code: 'rate_limit_exceeded',
      rateLimitResetAt: new Date(reset * 1000),
    });
    expect(describeHcloudError(err)).toBe(
      'The Hetzner Cloud API request budget (shared by every server in the project that uses its tokens) is used up; it is full again at 10:01:30 UTC.',
    );
    // Capped at 60 s (+0.5 s jitter); the simulated clock moved on, so the second wait only runs to the reset.
    expect(sleeps).toEqual([60_500, 29_500 + 500]);
  });

  test.each([
    [502, undefined],
    [503, envelope('unavailable')],
    [504, undefined],
    [504, envelope('timeout')],
  ])('GET %s is retried', async (status, json) => {
    server.expect(
      { method: 'GET', path: '/actions/13', status, json, body: json ? undefined : '' },
      { method: 'GET', path: '/actions/13', json: { action: ACTION_RUNNING } },
    );
    await makeClient().getAction(13);
    expect(sleeps).toEqual([750]);
  });

  test('PUT and DELETE (idempotent) are retried after 502/504', async () => {
    server.expect(
      { method: 'PUT', path: '/images/42', status: 502 },
      { method: 'PUT', path: '/images/42', json: { image: IMAGE } },
      { method: 'DELETE', path: '/images/42', status: 504 },
      { method: 'DELETE', path: '/images/42', status: 204 },
    );
    const client = makeClient();
    await client.updateImage(42, { labels: {} });
    await client.deleteImage(42);
    expect(sleeps).toEqual([750, 750]);
  });

  test('a dropped connection on GET is retried', async () => {
    server.expect(
      { method: 'GET', path: '/servers/42', destroy: true },
      { method: 'GET', path: '/servers/42', json: SERVER },
    );
    await makeClient().getServer(42);
    expect(sleeps).toEqual([750]);
    expect(events.map((e) => e.status)).toEqual(['network-error', 200]);
  });

  test('a GET that times out is retried', async () => {
    server.expect(
      { method: 'GET', path: '/servers/42', hang: true },
      { method: 'GET', path: '/servers/42', json: SERVER },
    );
    await makeClient({ timeoutMs: 150 }).getServer(42);
    expect(sleeps).toEqual([750]);
    expect(events.map((e) => e.status)).toEqual(['timeout', 200]);
  });

  test('an answer that stalls half-way through its body times out, and the GET is retried', async () => {
    server.expect(
      { method: 'GET', path: '/servers/42', json: SERVER, halfBody: 'stall' },
      { method: 'GET', path: '/servers/42', json: SERVER },
    );
    await expect(makeClient({ timeoutMs: 150 }).getServer(42)).resolves.toEqual(SERVER.server);
    expect(sleeps).toEqual([750]);
    expect(events.map((e) => e.status)).toEqual(['timeout', 200]);
  });

  test('an answer cut off half-way through its body is a network error, and the GET is retried', async () => {
    server.expect(
      { method: 'GET', path: '/servers/42', json: SERVER, halfBody: 'cut' },
      { method: 'GET', path: '/servers/42', json: SERVER },
    );
    await expect(makeClient().getServer(42)).resolves.toEqual(SERVER.server);
    expect(sleeps).toEqual([750]);
    expect(events.map((e) => e.status)).toEqual(['network-error', 200]);
  });

  test('gives up after maxRetries (default 5) with backoff 1, 2, 4, 8, 16 s (jittered)', async () => {
    server.expect(
      ...Array.from({ length: 6 }, (): ScriptedStep => ({
        method: 'GET',
        path: '/pricing',
        status: 503,
        json: envelope('unavailable'),
      })),
    );
    await expect(makeClient().getPricing()).rejects.toMatchObject({ status: 503, code: 'unavailable' });
    expect(sleeps).toEqual([750, 1500, 3000, 6000, 12000]);
    expect(events.map((e) => e.attempt)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  test('423 locked is not retried (the scheduler decides)', async () => {
    server.expect({ method: 'DELETE', path: '/images/42', status: 423, json: ERRORS['423_locked'] });
    await expect(makeClient().deleteImage(42)).rejects.toMatchObject({ status: 423, code: 'locked' });
    expect(sleeps).toEqual([]);
  });

  test('change_protection repeats like a PUT (setting a value twice is harmless)', async () => {
    server.expect(
      { method: 'POST', path: '/images/42/actions/change_protection', status: 504 },
      {
        method: 'POST',
        path: '/images/42/actions/change_protection',
        status: 201,
        json: { action: ACTION_RUNNING },
      },
    );
    await makeClient().changeImageProtection(42, { delete: false });
    expect(sleeps).toEqual([750]);
  });

  describe('POST create_image is repeated only when the API certainly did not act', () => {
    const create = (client: HcloudClient) => client.createImage(42, { description: 'nightly' });
    const createStep = (extra: Partial<ScriptedStep>): ScriptedStep => ({
      method: 'POST',
      path: '/servers/42/actions/create_image',
      ...extra,
    });

    test('not after our timeout: the snapshot may already be running', async () => {
      server.expect(createStep({ hang: true }));
      const err = await rejectionOf(create(makeClient({ timeoutMs: 150 })));
      expect(err).toMatchObject({ status: 0, code: 'timeout' });
      expect(describeHcloudError(err)).toMatch(/did not answer in time/);
      expect(server.requests).toHaveLength(1);
      expect(sleeps).toEqual([]);
    });

    test.each([
      ['502 without a body', { status: 502 }],
      ['504 without a body', { status: 504 }],
      ['504 timeout', { status: 504, json: envelope('timeout') }],
      ['503 without a body', { status: 503 }],
      ['a connection dropped after sending', { destroy: true }],
      ['500 server_error', { status: 500, json: envelope('server_error') }],
    ])('not after %s', async (_name, answer) => {
      server.expect(createStep(answer as Partial<ScriptedStep>));
      await expect(create(makeClient())).rejects.toBeInstanceOf(HcloudApiError);
      expect(server.requests).toHaveLength(1);
      expect(sleeps).toEqual([]);
    });

    test.each([
      ['429', { status: 429, json: ERRORS['429_rate_limit_exceeded'] }],
      ['409 conflict', { status: 409, json: ERRORS['409_conflict'] }],
      ['503 with the error envelope', { status: 503, json: envelope('unavailable') }],
    ])('after %s', async (_name, answer) => {
      server.expect(createStep(answer as Partial<ScriptedStep>), createStep({ status: 201, json: CREATED }));
      await expect(create(makeClient())).resolves.toMatchObject({ image: { id: 4711 } });
      expect(server.requests).toHaveLength(2);
      expect(sleeps).toHaveLength(1);
    });

    test('after a refused connection (nothing was sent)', async () => {
      await server.stopListening();
      server.expect(createStep({ status: 201, json: CREATED }));
      const client = makeClient({
        sleep: async (ms) => {
          sleeps.push(ms);
          await server.listenAgain();
        },
      });
      await expect(create(client)).resolves.toMatchObject({ image: { id: 4711 } });
      expect(events.map((e) => e.status)).toEqual(['network-error', 201]);
      expect(sleeps).toEqual([750]);
    });

    test('rebuild is not repeated after a 502 either', async () => {
      server.expect({ method: 'POST', path: '/servers/42/actions/rebuild', status: 502 });
      await expect(makeClient().rebuildServer(42, 4711)).rejects.toMatchObject({ status: 502 });
      expect(server.requests).toHaveLength(1);
    });
  });

  test('a refused connection on GET ends as network_error after the retries', async () => {
    await server.stopListening();
    const err = await rejectionOf(makeClient({ maxRetries: 1 }).getServer(42));
    expect(err).toMatchObject({ status: 0, code: 'network_error', networkCode: 'ECONNREFUSED' });
    expect(describeHcloudError(err)).toBe(
      "Could not reach the Hetzner Cloud API (ECONNREFUSED); check this server's internet connection and DNS.",
    );
    expect(events.map((e) => e.status)).toEqual(['network-error', 'network-error']);
  });
});

describe('listImages', () => {
  const page = (n: number, count: number, next: number | null) => ({
    images: Array.from({ length: count }, (_, i) => ({ ...IMAGE, id: n * 100 + i })),
    meta: {
      pagination: {
        page: n,
        per_page: 50,
        previous_page: n > 1 ? n - 1 : null,
        next_page: next,
        last_page: 4,
        total_entries: 175,
      },
    },
  });

  test('follows next_page over 4 pages with per_page=50 and the same filter', async () => {
    const q = 'type=snapshot&label_selector=managed-by%3Dsnapshot-panel%2Cserver%3D42&sort=created%3Adesc';
    server.expect(
      { method: 'GET', path: `/images?${q}&page=1&per_page=50`, json: page(1, 50, 2) },
      { method: 'GET', path: `/images?${q}&page=2&per_page=50`, json: page(2, 50, 3) },
      { method: 'GET', path: `/images?${q}&page=3&per_page=50`, json: page(3, 50, 4) },
      { method: 'GET', path: `/images?${q}&page=4&per_page=50`, json: page(4, 25, null) },
    );
    const images = await makeClient().listImages({
      type: 'snapshot',
      label_selector: 'managed-by=snapshot-panel,server=42',
      sort: 'created:desc',
    });
    expect(images).toHaveLength(175);
    expect(images[0].id).toBe(100);
    expect(images[174].id).toBe(424);
  });

  test('no filter: only the paging parameters', async () => {
    server.expect({ method: 'GET', path: '/images?page=1&per_page=50', json: page(1, 3, null) });
    await expect(makeClient().listImages()).resolves.toHaveLength(3);
  });

  test('a response without meta ends the listing', async () => {
    server.expect({ method: 'GET', path: '/images?page=1&per_page=50', json: { images: [IMAGE] } });
    await expect(makeClient().listImages()).resolves.toHaveLength(1);
  });

  test.each([
    [{ type: 'snapshot' }, 'type=snapshot'],
    [{ type: ['snapshot', 'backup'] }, 'type=snapshot&type=backup'],
    [{ status: 'creating' }, 'status=creating'],
    [{ status: ['available', 'creating'] }, 'status=available&status=creating'],
    [{ bound_to: 42 }, 'bound_to=42'],
    [{ bound_to: [42, 43] }, 'bound_to=42&bound_to=43'],
    [{ include_deprecated: true }, 'include_deprecated=true'],
    [{ include_deprecated: false }, 'include_deprecated=false'],
    [{ name: 'ubuntu 24.04' }, 'name=ubuntu%2024.04'],
    [{ label_selector: 'env in (prod,staging),!tmp' }, 'label_selector=env%20in%20(prod%2Cstaging)%2C!tmp'],
    [{ architecture: 'arm' }, 'architecture=arm'],
    [{ sort: 'id' }, 'sort=id'],
    [{ sort: ['created:desc', 'id:asc'] }, 'sort=created%3Adesc&sort=id%3Aasc'],
    [
      {
        type: 'snapshot',
        status: 'available',
        bound_to: 1,
        include_deprecated: true,
        name: 'n',
        label_selector: 'a=b',
        architecture: 'x86',
        sort: 'name',
      },
      'type=snapshot&status=available&bound_to=1&include_deprecated=true&name=n&label_selector=a%3Db&architecture=x86&sort=name',
    ],
  ] as const)('filter %j → %s', async (filter, query) => {
    server.expect({ method: 'GET', path: `/images?${query}&page=1&per_page=50`, json: page(1, 1, null) });
    await makeClient().listImages(filter as never);
  });

  test('a failing page fails the whole listing after its retries', async () => {
    server.expect(
      { method: 'GET', path: '/images?page=1&per_page=50', json: page(1, 50, 2) },
      { method: 'GET', path: '/images?page=2&per_page=50', status: 401, json: envelope('unauthorized') },
    );
    await expect(makeClient().listImages()).rejects.toMatchObject({ status: 401 });
  });
});

describe('waitForAction', () => {
  // The action finishes `doneAfterMs` of simulated time after the first request.
  const actionEndpoint = (
    doneAfterMs: number,
    end: HcloudAction = actionAt('success', 100),
  ): ScriptedStep => ({
    method: 'GET',
    path: '/actions/13',
    repeat: true,
    respond: () => {
      const elapsed = clock - T0;
      return {
        json: {
          action:
            elapsed >= doneAfterMs ? end : actionAt('running', Math.floor((elapsed / doneAfterMs) * 100)),
        },
      };
    },
  });

  test('an action of 60 s costs 7 polls with intervals 1, 2, 4, 8, 16, 30 s', async () => {
    server.expect(actionEndpoint(60_000));
    const seen: number[] = [];
    const done = await makeClient().waitForAction(13, { onProgress: (a) => seen.push(a.progress) });
    expect(done.status).toBe('success');
    expect(server.requests).toHaveLength(7);
    expect(sleeps).toEqual([1000, 2000, 4000, 8000, 16000, 30000]);
    expect(seen).toEqual([0, 1, 5, 11, 25, 51, 100]);
  });

  test('a 30-minute snapshot is awaited without a deadline, polling every 30 s once the interval is capped', async () => {
    server.expect(actionEndpoint(30 * 60_000));
    await makeClient().waitForAction(13);
    expect(Math.max(...sleeps)).toBe(30_000);
    // t = 0, 1, 3, 7, 15, 31 s, then every 30 s until 1 801 s: 65 polls instead of 1 800 at 1 s.
    expect(server.requests.length).toBe(65);
  });

  test('a running action object is slept on before the first poll', async () => {
    server.expect(actionEndpoint(2_500));
    await makeClient().waitForAction(ACTION_RUNNING);
    expect(sleeps).toEqual([1000, 2000]);
    expect(server.requests).toHaveLength(2);
  });

  test('custom intervals', async () => {
    server.expect(actionEndpoint(10_000));
    await makeClient().waitForAction(ACTION_RUNNING, { initialIntervalMs: 500, maxIntervalMs: 2_000 });
    expect(sleeps).toEqual([500, 1000, 2000, 2000, 2000, 2000, 2000]);
  });

  test('a finished action needs no request', async () => {
    await expect(makeClient().waitForAction(actionAt('success', 100))).resolves.toMatchObject({
      status: 'success',
    });
    expect(server.requests).toHaveLength(0);
  });

  test('an action ending in error throws HcloudActionFailedError with its code and message', async () => {
    server.expect(
      actionEndpoint(
        3_000,
        actionAt('error', 40, { code: 'image_create_failed', message: 'disk could not be read' }),
      ),
    );
    const err = await rejectionOf(makeClient().waitForAction(13));
    expect(err).toBeInstanceOf(HcloudActionFailedError);
    expect(err).toMatchObject({ code: 'image_create_failed', action: { id: 13, status: 'error' } });
    expect(describeHcloudError(err)).toBe(
      'Hetzner reported that the create_image action (id 13) failed: disk could not be read (image_create_failed).',
    );
  });

  test('abort stops the wait at once and sends no further request', async () => {
    server.expect(actionEndpoint(60_000));
    const controller = new AbortController();
    const client = makeClient({
      sleep: async (ms, signal) => {
        sleeps.push(ms);
        clock += ms;
        if (sleeps.length === 3) controller.abort();
        if (signal?.aborted) throw signal.reason;
      },
    });
    const err = await rejectionOf(client.waitForAction(13, { signal: controller.signal }));
    expect((err as Error).name).toBe('AbortError');
    expect(describeHcloudError(err)).toBe('The operation was cancelled before it finished.');
    expect(server.requests).toHaveLength(3);
  });

  test('abort with the real sleep, mid-interval', async () => {
    server.expect(actionEndpoint(60_000));
    const controller = new AbortController();
    const client = makeClient({ sleep: undefined });
    setTimeout(() => controller.abort(), 80);
    const started = Date.now();
    await expect(
      client.waitForAction(13, { signal: controller.signal, initialIntervalMs: 10_000 }),
    ).rejects.toMatchObject({ name: 'AbortError' });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(server.requests).toHaveLength(1);
  });

  test('an already-aborted signal sends nothing', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(makeClient().waitForAction(13, { signal: controller.signal })).rejects.toMatchObject({
      name: 'AbortError',
    });
    expect(server.requests).toHaveLength(0);
  });

  test('abort cancels a poll request in flight', async () => {
    server.expect({ method: 'GET', path: '/actions/13', hang: true });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 80);
    await expect(
      makeClient({ timeoutMs: 10_000 }).waitForAction(13, { signal: controller.signal }),
    ).rejects.toMatchObject({
      name: 'AbortError',
    });
    expect(events.map((e) => e.status)).toEqual([]);
  });
});

describe('checkToken', () => {
  const getServer = (extra: Partial<ScriptedStep> = {}): ScriptedStep => ({
    method: 'GET',
    path: '/servers/42',
    json: SERVER,
    ...extra,
  });
  const probe = (extra: Partial<ScriptedStep>): ScriptedStep => ({
    method: 'PUT',
    path: '/images/9007199254740991',
    expectBody: {},
    ...extra,
  });

  afterEach(() => {
    // The only non-GET it may send is an empty update of the largest image id the spec allows.
    for (const r of server.requests.filter((req) => req.method !== 'GET')) {
      expect(r).toMatchObject({ method: 'PUT', path: '/images/9007199254740991', json: {} });
    }
  });

  test('read_write: the write probe gets past the permission check and fails on the missing image', async () => {
    server.expect(
      getServer(),
      probe({ status: 404, json: envelope('not_found', "image with ID '9007199254740991' not found") }),
    );
    await expect(makeClient().checkToken(42)).resolves.toEqual({ kind: 'read_write', server: SERVER.server });
  });

  test('read_only: the write probe is refused with token_readonly', async () => {
    server.expect(
      getServer(),
      probe({ status: 401, json: envelope('token_readonly', 'token is read-only') }),
    );
    await expect(makeClient().checkToken(42)).resolves.toEqual({ kind: 'read_only', server: SERVER.server });
  });

  test('unauthorized: unknown token, no write probe sent', async () => {
    server.expect(getServer({ status: 401, json: envelope('unauthorized', 'unable to authenticate') }));
    await expect(makeClient().checkToken(42)).resolves.toEqual({ kind: 'unauthorized' });
    expect(server.requests).toHaveLength(1);
  });

  test('wrong_project: the token cannot see this server', async () => {
    server.expect(getServer({ status: 404, json: envelope('not_found', "server with ID '42' not found") }));
    await expect(makeClient().checkToken(42)).resolves.toEqual({ kind: 'wrong_project' });
    expect(server.requests).toHaveLength(1);
  });

  test('unreachable: 5xx after retries', async () => {
    server.expect(
      getServer({ status: 503, json: envelope('unavailable') }),
      getServer({ status: 503, json: envelope('unavailable') }),
    );
    const res = await makeClient({ maxRetries: 1 }).checkToken(42);
    expect(res).toEqual({ kind: 'unreachable', reason: expect.stringContaining('HTTP 503') });
  });

  test('unreachable: network error', async () => {
    await server.stopListening();
    const res = await makeClient({ maxRetries: 0 }).checkToken(42);
    expect(res).toEqual({ kind: 'unreachable', reason: expect.stringContaining('Could not reach') });
  });

  test('unreachable: timeout', async () => {
    server.expect(getServer({ hang: true }));
    const res = await makeClient({ maxRetries: 0, timeoutMs: 150 }).checkToken(42);
    expect(res).toEqual({ kind: 'unreachable', reason: expect.stringContaining('did not answer in time') });
  });

  test('unreachable, not read_write, when the probe unexpectedly succeeds (an image with that id exists)', async () => {
    server.expect(getServer(), probe({ status: 200, json: { image: { id: 9007199254740991 } } }));
    const res = await makeClient({ maxRetries: 0 }).checkToken(42);
    expect(res).toEqual({ kind: 'unreachable', reason: expect.stringContaining('unexpectedly') });
  });

  test('unreachable when the write probe itself cannot get an answer', async () => {
    server.expect(getServer(), probe({ status: 502 }));
    const res = await makeClient({ maxRetries: 0 }).checkToken(42);
    expect(res.kind).toBe('unreachable');
  });
});

describe('the token stays secret', () => {
  test('not in JSON.stringify, String or util.inspect of the client', () => {
    const client = makeClient();
    expect(JSON.stringify(client)).not.toContain(TOKEN);
    expect(String(client)).not.toContain(TOKEN);
    expect(`${client}`).toBe(`HcloudClient(${server.endpoint})`);
    expect(inspect(client, { showHidden: true, depth: 10, getters: true })).not.toContain(TOKEN);
    expect(Object.keys(client).join()).not.toMatch(/token/i);
    expect(JSON.stringify({ ...client })).not.toContain(TOKEN);
  });

  test('not in any error, event or description, even when the API echoes it', async () => {
    server.expect(
      {
        method: 'GET',
        path: '/images/1',
        status: 401,
        json: envelope('unauthorized', `token ${TOKEN} is unknown`),
      },
      { method: 'GET', path: '/images/2', status: 502, body: `Authorization: Bearer ${TOKEN}` },
      { method: 'GET', path: '/images/3', hang: true },
    );
    const client = makeClient({ maxRetries: 0, timeoutMs: 150 });
    const errors = [
      await rejectionOf(client.getImage(1)),
      await rejectionOf(client.getImage(2)),
      await rejectionOf(client.getImage(3)),
    ];
    await server.stopListening();
    errors.push(await rejectionOf(client.getImage(4)));
    expect((errors[0] as Error).message).toBe('token [redacted] is unknown');
    for (const err of errors) {
      expect(err).toBeInstanceOf(HcloudApiError);
      const e = err as Error;
      for (const text of [
        e.message,
        e.stack ?? '',
        String(e),
        JSON.stringify(e),
        inspect(e, { showHidden: true, depth: 10 }),
        describeHcloudError(e),
      ]) {
        expect(text).not.toContain(TOKEN);
      }
    }
    expect(JSON.stringify(events)).not.toContain(TOKEN);
  });
});

describe('lastRateLimit', () => {
  test('null before any response, then the RateLimit-* headers of the last response that had them', async () => {
    server.expect(
      { method: 'GET', path: '/images/1', json: { image: IMAGE }, headers: rateHeaders(3599, 1747044000) },
      { method: 'GET', path: '/images/1', json: { image: IMAGE }, headers: rateHeaders(3598, 1747044001) },
      { method: 'GET', path: '/images/1', status: 502, body: 'bad gateway' },
    );
    const client = makeClient({ maxRetries: 0 });
    expect(client.lastRateLimit).toBeNull();
    await client.getImage(1);
    expect(client.lastRateLimit).toEqual({
      limit: 3600,
      remaining: 3599,
      resetAt: new Date(1747044000 * 1000),
    });
    await client.getImage(1);
    expect(client.lastRateLimit).toEqual({
      limit: 3600,
      remaining: 3598,
      resetAt: new Date(1747044001 * 1000),
    });
    // A proxy's 502 carries no RateLimit headers: the last known values stay.
    await expect(client.getImage(1)).rejects.toMatchObject({ status: 502 });
    expect(client.lastRateLimit?.remaining).toBe(3598);
  });

  test('error responses update it too', async () => {
    server.expect({
      method: 'GET',
      path: '/images/1',
      status: 404,
      json: ERRORS['404_not_found'],
      headers: rateHeaders(12, 1747044000),
    });
    const client = makeClient();
    await expect(client.getImage(1)).rejects.toMatchObject({ status: 404 });
    expect(client.lastRateLimit?.remaining).toBe(12);
  });
});
