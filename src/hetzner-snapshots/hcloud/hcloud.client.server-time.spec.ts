// HcloudClient.serverTime(): Hetzner's clock from the Date header, for doctor's clock check.
import { HcloudApiError } from './hcloud-api.error';
import type { HcloudClientOptions } from './hcloud-client.options';
import { HcloudClient } from './hcloud.client';
import { ScriptedServer } from './scripted-server.testing';

const TOKEN = 'LRK9DAWQ1ZAEFSrCNEEzLCUwhYX1U3g7wMg4dTlkkDC96fyDuyJ39nVbVjCKSDfj';
const SERVER_DATE = 'Mon, 11 May 2026 10:00:00 GMT';
const SERVER_MS = Date.UTC(2026, 4, 11, 10, 0, 0);

let server: ScriptedServer;

function makeClient(overrides: Partial<HcloudClientOptions> = {}): HcloudClient {
  return new HcloudClient({
    endpoint: server.endpoint,
    token: TOKEN,
    userAgent: 'snapshot-panel/0.1.0',
    timeoutMs: 2_000,
    ...overrides,
  });
}

beforeEach(async () => {
  server = await ScriptedServer.start();
});

afterEach(async () => {
  try {
    server.verify();
  } finally {
    await server.close();
  }
});

describe('serverTime', () => {
  test('reads the Date header of one GET /servers?per_page=1 and the local time half-way through', async () => {
    server.expect({
      method: 'GET',
      path: '/servers?per_page=1',
      json: { servers: [], meta: {} },
      headers: {
        Date: SERVER_DATE,
        'RateLimit-Limit': '3600',
        'RateLimit-Remaining': '3500',
        'RateLimit-Reset': '1747044000',
      },
    });
    const times = [SERVER_MS + 7_000, SERVER_MS + 7_200];
    const client = makeClient({ now: () => times.shift()! });
    const got = await client.serverTime();
    // Half a second added: the header cuts the server's time down to whole seconds.
    expect(got).toEqual({
      serverTime: new Date(SERVER_MS + 500),
      localMs: SERVER_MS + 7_100,
      roundTripMs: 200,
    });
    expect(server.requests[0].headers.authorization).toBe(`Bearer ${TOKEN}`);
    // It also refreshes the rate-limit view, like every other request.
    expect(client.lastRateLimit?.remaining).toBe(3500);
  });

  test('an error answer still tells the time (a 401 carries a Date header too), without a retry', async () => {
    server.expect({
      method: 'GET',
      path: '/servers?per_page=1',
      status: 401,
      json: { error: { code: 'unauthorized', message: 'unable to authenticate', details: {} } },
      headers: { Date: SERVER_DATE },
    });
    const got = await makeClient().serverTime();
    expect(got.serverTime.getTime()).toBe(SERVER_MS + 500);
    expect(server.requests).toHaveLength(1);
  });

  test('a missing or unreadable Date header is an invalid_response error', async () => {
    server.expect({
      method: 'GET',
      path: '/servers?per_page=1',
      json: {},
      headers: { Date: 'yesterday-ish' },
    });
    await expect(makeClient().serverTime()).rejects.toMatchObject({ code: 'invalid_response', status: 200 });
  });

  test('no answer is a network_error or timeout HcloudApiError that never contains the token', async () => {
    server.expect({ method: 'GET', path: '/servers?per_page=1', destroy: true });
    const err = await makeClient()
      .serverTime()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HcloudApiError);
    expect(err).toMatchObject({ status: 0, code: 'network_error' });
    expect(JSON.stringify(err) + String(err)).not.toContain(TOKEN);

    server.expect({ method: 'GET', path: '/servers?per_page=1', hang: true });
    await expect(makeClient({ timeoutMs: 50 }).serverTime()).rejects.toMatchObject({
      status: 0,
      code: 'timeout',
    });
  });
});
