import { FakeHcloud } from './fake-hcloud.server';
import { callFake } from './fake-hcloud.spec-helpers';

describe('fake metadata service', () => {
  let fake: FakeHcloud;

  beforeAll(async () => {
    fake = await FakeHcloud.start();
  });
  afterAll(() => fake.close());
  beforeEach(() => fake.reset());

  const metadata = (suffix = '') => fetch(`${fake.metadataEndpoint}${suffix}`);

  it('describes the configured server in YAML at its root', async () => {
    const server = fake.addServer({ name: 'panel-host', locationName: 'hel1' });
    fake.setMetadata({ serverId: server.id });
    const response = await metadata();
    expect(response.status).toBe(200);
    expect(await response.text()).toBe(
      [
        'availability-zone: hel1-dc2',
        'hostname: panel-host',
        `instance-id: ${server.id}`,
        `public-ipv4: ${server.ipv4}`,
        'region: eu-central',
        '',
      ].join('\n'),
    );
  });

  it('answers the single fields as plain text', async () => {
    const server = fake.addServer({ name: 'panel-host', locationName: 'ash' });
    fake.setMetadata({ serverId: server.id });
    const fields = {
      '/instance-id': String(server.id),
      '/hostname': 'panel-host',
      '/region': 'us-east',
      '/availability-zone': 'ash-dc1',
      '/public-ipv4': server.ipv4,
      '/private-networks': '[]\n',
    };
    for (const [suffix, expected] of Object.entries(fields)) {
      const response = await metadata(suffix);
      expect([suffix, response.status, response.headers.get('content-type'), await response.text()]).toEqual([
        suffix,
        200,
        'text/plain; charset=utf-8',
        expected,
      ]);
    }
    expect((await metadata('/userdata-nope')).status).toBe(404);
  });

  it('answers 404 everywhere when disabled, as off Hetzner', async () => {
    const server = fake.addServer();
    fake.setMetadata({ serverId: server.id });
    fake.setMetadata(null);
    for (const suffix of ['', '/instance-id', '/hostname']) {
      expect((await metadata(suffix)).status).toBe(404);
    }
  });

  it('needs no token and is not rate limited', async () => {
    const server = fake.addServer();
    fake.setMetadata({ serverId: server.id });
    fake.setRateLimit(1, 0);
    const response = await callFake(fake, 'GET', '/hetzner/v1/metadata/instance-id');
    expect(response.status).toBe(200);
    expect(response.headers.get('ratelimit-limit')).toBeNull();
  });

  it('refuses to describe a server that does not exist', () => {
    expect(() => fake.setMetadata({ serverId: 1 })).toThrow(/does not exist/);
  });
});
