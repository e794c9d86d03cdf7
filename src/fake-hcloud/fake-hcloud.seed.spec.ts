import { parseMainArgs, describeFake } from './fake-hcloud.main';
import {
  DEMO_OTHER_SERVER_NAME,
  DEMO_READONLY_TOKEN,
  DEMO_SERVER_NAME,
  DEMO_TOKEN,
} from './fake-hcloud.seed';
import { FakeHcloud } from './fake-hcloud.server';
import { callFake } from './fake-hcloud.spec-helpers';

describe('fake Hetzner demo seed and standalone start', () => {
  let fake: FakeHcloud;

  beforeAll(async () => {
    fake = await FakeHcloud.start({ seed: 'demo' });
  });
  afterAll(() => fake.close());

  it('has a read-write and a read-only token', async () => {
    expect((await callFake(fake, 'GET', '/v1/servers', { token: DEMO_TOKEN })).status).toBe(200);
    expect(
      (await callFake(fake, 'DELETE', '/v1/images/1', { token: DEMO_READONLY_TOKEN })).json.error.code,
    ).toBe('token_readonly');
  });

  it('has the panel server, described by the metadata service, and a second server', async () => {
    const servers = fake.servers();
    expect(servers.map((server) => server.name)).toEqual([DEMO_SERVER_NAME, DEMO_OTHER_SERVER_NAME]);
    expect(await (await fetch(`${fake.metadataEndpoint}/hostname`)).text()).toBe(DEMO_SERVER_NAME);
  });

  it('has one snapshot of every kind the panel must tell apart', () => {
    const [web, db] = fake.servers();
    const images = fake.images();
    const snapshotsOfWeb = images.filter(
      (image) => image.type === 'snapshot' && image.createdFrom?.id === web.id,
    );
    const auto = snapshotsOfWeb.filter((image) => image.labels['snapshot-panel/kind'] === 'auto');
    expect(auto.length).toBeGreaterThanOrEqual(3);
    expect(auto.every((image) => image.labels['managed-by'] === 'snapshot-panel')).toBe(true);
    expect(new Set(auto.map((image) => image.created.toISOString().slice(0, 10))).size).toBe(auto.length);
    expect(snapshotsOfWeb.filter((image) => image.labels['snapshot-panel/kind'] === 'manual')).toHaveLength(
      1,
    );
    expect(
      snapshotsOfWeb.some((image) => Object.keys(image.labels).length === 0 && /<b>/.test(image.description)),
    ).toBe(true);
    expect(images.some((image) => image.protection.delete)).toBe(true);
    expect(images.some((image) => image.type === 'snapshot' && image.createdFrom?.id === db.id)).toBe(true);
    expect(images.some((image) => image.type === 'backup' && image.boundTo === web.id)).toBe(true);
    expect(images.filter((image) => image.type === 'system')).toEqual([
      expect.objectContaining({ createdFrom: null, name: 'ubuntu-24.04' }),
    ]);
  });

  it('reads its command line and prints where it listens and which tokens to use', () => {
    const options = parseMainArgs(['--port', '4010', '--seed', 'demo']);
    expect(options).toEqual({
      host: '127.0.0.1',
      port: 4010,
      seed: 'demo',
      actionDurationMs: undefined,
      validateRequests: false,
    });
    expect(parseMainArgs(['--validate-requests']).validateRequests).toBe(true);
    expect(() => parseMainArgs(['--seed', 'lots'])).toThrow(/--seed/);
    const text = describeFake(fake, options);
    expect(text).toContain(`HCLOUD_ENDPOINT=${fake.apiEndpoint}`);
    expect(text).toContain(`HCLOUD_METADATA_ENDPOINT=${fake.metadataEndpoint}`);
    expect(text).toContain(DEMO_TOKEN);
    expect(text).toContain(DEMO_READONLY_TOKEN);
  });
});
