import { createServer } from 'node:net';
import { MetadataUnavailableError } from './hcloud-api.error';
import { MetadataClient } from './metadata.client';
import { ScriptedServer } from './scripted-server.testing';

const BASE = '/hetzner/v1/metadata';
let server: ScriptedServer;

beforeEach(async () => {
  // The client asks the four endpoints in parallel, so their order is not fixed.
  server = await ScriptedServer.start({ basePath: BASE, ordered: false });
});

afterEach(async () => {
  try {
    server.verify();
  } finally {
    await server.close();
  }
});

async function closedPortEndpoint(): Promise<string> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return `http://127.0.0.1:${port}${BASE}`;
}

test('reads the plain-text endpoints, trimming their newlines (instance-id first, then the rest)', async () => {
  server.expect(
    { method: 'GET', path: '/instance-id', body: '42\n' },
    { method: 'GET', path: '/hostname', body: 'my-server\n' },
    { method: 'GET', path: '/region', body: 'eu-central' },
    { method: 'GET', path: '/availability-zone', body: 'hel1-dc2\n' },
  );
  await expect(new MetadataClient({ endpoint: `${server.endpoint}/` }).getInstance()).resolves.toEqual({
    serverId: 42,
    hostname: 'my-server',
    region: 'eu-central',
    availabilityZone: 'hel1-dc2',
  });
  expect(server.requests[0].path).toBe('/instance-id');
});

function expectNotOnHetzner(err: unknown, endpoint: string): void {
  expect(err).toBeInstanceOf(MetadataUnavailableError);
  const message = (err as Error).message;
  expect(message).toContain('not running on a Hetzner Cloud server');
  expect(message).toContain(`metadata service at ${endpoint} did not answer`);
  expect(message).toContain(
    "set HCLOUD_SERVER_ID to the server's id (shown in the Hetzner Console URL) to run elsewhere",
  );
}

test('connection refused: not on Hetzner', async () => {
  const endpoint = await closedPortEndpoint();
  const err = await new MetadataClient({ endpoint }).getInstance().catch((e: unknown) => e);
  expectNotOnHetzner(err, endpoint);
  expect((err as Error).message).toBe(
    `not running on a Hetzner Cloud server (metadata service at ${endpoint} did not answer)` +
      " — set HCLOUD_SERVER_ID to the server's id (shown in the Hetzner Console URL) to run elsewhere.",
  );
});

test('no answer within the timeout: not on Hetzner', async () => {
  server.expect({ method: 'GET', path: '/instance-id', hang: true });
  const started = Date.now();
  const err = await new MetadataClient({ endpoint: server.endpoint, timeoutMs: 150 })
    .getInstance()
    .catch((e: unknown) => e);
  expectNotOnHetzner(err, server.endpoint);
  expect((err as Error).message).toContain('no answer within 150 ms');
  expect(Date.now() - started).toBeLessThan(2_000);
});

test('something else answering on that address (404) is not the metadata service', async () => {
  server.expect({ method: 'GET', path: '/instance-id', status: 404, body: 'Not Found' });
  const err = await new MetadataClient({ endpoint: server.endpoint }).getInstance().catch((e: unknown) => e);
  expectNotOnHetzner(err, server.endpoint);
});

test('an instance-id that is not a number is refused', async () => {
  server.expect({ method: 'GET', path: '/instance-id', body: '<html>captive portal</html>' });
  await expect(new MetadataClient({ endpoint: server.endpoint }).getInstance()).rejects.toBeInstanceOf(
    MetadataUnavailableError,
  );
});
