import { FakeHcloud } from './fake-hcloud.server';
import { callFake } from './fake-hcloud.spec-helpers';
import { FakeServerRecord } from './fake-hcloud.types';

const TOKEN = 'servers-token';
const DURATION_MS = 10_000;

describe('fake Hetzner API: changing servers', () => {
  let fake: FakeHcloud;
  let server: FakeServerRecord;

  beforeAll(async () => {
    fake = await FakeHcloud.start({ actionDurationMs: DURATION_MS });
  });
  afterAll(() => fake.close());
  beforeEach(() => {
    fake.reset();
    fake.addToken(TOKEN);
    server = fake.addServer({ name: 'web-1', labels: { env: 'prod' } });
  });

  const call = (method: string, url: string, body?: unknown) =>
    callFake(fake, method, url, { token: TOKEN, body });

  describe('PUT /servers/{id}', () => {
    it('renames and replaces the labels, answering the whole server', async () => {
      const response = await call('PUT', `/v1/servers/${server.id}`, {
        name: 'web-2',
        labels: { role: 'web' },
      });
      expect(response.status).toBe(200);
      expect(response.json.server).toMatchObject({ id: server.id, name: 'web-2', labels: { role: 'web' } });
      expect(fake.servers()[0]).toMatchObject({ name: 'web-2', labels: { role: 'web' } });
    });

    it('leaves out what the body does not name', async () => {
      const response = await call('PUT', `/v1/servers/${server.id}`, {});
      expect(response.json.server).toMatchObject({ name: 'web-1', labels: { env: 'prod' } });
    });

    it('refuses a name another server of the project has, and one that is no host name', async () => {
      fake.addServer({ name: 'db-1' });
      const taken = await call('PUT', `/v1/servers/${server.id}`, { name: 'db-1' });
      expect(taken.status).toBe(409);
      expect(taken.json.error).toMatchObject({
        code: 'uniqueness_error',
        details: { fields: [{ name: 'name' }] },
      });
      const bad = await call('PUT', `/v1/servers/${server.id}`, { name: '-web' });
      expect(bad.status).toBe(422);
      expect(bad.json.error.details.fields).toEqual([{ name: 'name', messages: ['invalid hostname'] }]);
    });

    it('refuses reserved and malformed label keys', async () => {
      const response = await call('PUT', `/v1/servers/${server.id}`, { labels: { 'hetzner.cloud/x': 'y' } });
      expect(response.status).toBe(422);
      expect(fake.servers()[0].labels).toEqual({ env: 'prod' });
    });
  });

  describe('volumes', () => {
    it('lists the volumes attached to the server, and detaches them when the server is deleted', async () => {
      const data = fake.addVolume({ serverId: server.id, name: 'data' });
      const logs = fake.addVolume({ serverId: server.id, name: 'logs' });
      const other = fake.addServer({ name: 'db-1' });
      fake.addVolume({ serverId: other.id });
      expect((await call('GET', `/v1/servers/${server.id}`)).json.server.volumes).toEqual([data.id, logs.id]);

      expect((await call('DELETE', `/v1/servers/${server.id}`)).status).toBe(200);
      expect((await call('GET', `/v1/volumes/${data.id}`)).json.volume.server).toBeNull();
      expect((await call('GET', `/v1/servers/${other.id}`)).json.server.volumes).toHaveLength(1);
    });
  });

  describe('change_protection', () => {
    it('sets delete and rebuild together, in an action that is already finished', async () => {
      const response = await call('POST', `/v1/servers/${server.id}/actions/change_protection`, {
        delete: true,
        rebuild: true,
      });
      expect(response.status).toBe(201);
      expect(response.json.action).toMatchObject({
        command: 'change_protection',
        status: 'success',
        resources: [{ id: server.id, type: 'server' }],
      });
      const got = await call('GET', `/v1/servers/${server.id}`);
      expect(got.json.server.protection).toEqual({ delete: true, rebuild: true });
    });

    it('refuses a change that leaves delete and rebuild different, as the spec requires', async () => {
      const response = await call('POST', `/v1/servers/${server.id}/actions/change_protection`, {
        delete: true,
      });
      expect(response.status).toBe(422);
      expect(response.json.error.code).toBe('invalid_input');
      expect(fake.servers()[0].protection).toEqual({ delete: false, rebuild: false });
    });

    it('makes rebuild answer 423 protected', async () => {
      const system = fake.addImage({ type: 'system', serverId: null });
      await call('POST', `/v1/servers/${server.id}/actions/change_protection`, {
        delete: true,
        rebuild: true,
      });
      const response = await call('POST', `/v1/servers/${server.id}/actions/rebuild`, {
        image: String(system.id),
      });
      expect(response.status).toBe(423);
      expect(response.json.error.code).toBe('protected');
    });
  });

  describe('enable_backup and disable_backup', () => {
    it('sets a backup window once the action succeeds, and clears it again', async () => {
      const enabled = await call('POST', `/v1/servers/${server.id}/actions/enable_backup`);
      expect(enabled.status).toBe(201);
      expect(enabled.json.action).toMatchObject({ command: 'enable_backup', status: 'running' });
      expect((await call('GET', `/v1/servers/${server.id}`)).json.server).toMatchObject({
        backup_window: null,
        locked: true,
      });
      fake.advance(DURATION_MS);
      const on = (await call('GET', `/v1/servers/${server.id}`)).json.server;
      expect(on.backup_window).toMatch(/^\d\d-\d\d$/);

      const disabled = await call('POST', `/v1/servers/${server.id}/actions/disable_backup`);
      expect(disabled.json.action).toMatchObject({ command: 'disable_backup', status: 'running' });
      fake.advance(DURATION_MS);
      expect((await call('GET', `/v1/servers/${server.id}`)).json.server.backup_window).toBeNull();
    });

    it("deletes the server's backups when backups are turned off, and nothing else", async () => {
      server.backupWindow = '22-02';
      const backup = fake.addImage({ serverId: server.id, type: 'backup' });
      const snapshot = fake.addImage({ serverId: server.id });
      const other = fake.addServer({ name: 'db-1' });
      const otherBackup = fake.addImage({ serverId: other.id, type: 'backup' });
      await call('POST', `/v1/servers/${server.id}/actions/disable_backup`);
      fake.advance(DURATION_MS);
      const left = fake.images().map((image) => image.id);
      expect(left).not.toContain(backup.id);
      expect(left).toEqual(expect.arrayContaining([snapshot.id, otherBackup.id]));
    });

    it('answers 423 locked while another action runs on the server', async () => {
      await call('POST', `/v1/servers/${server.id}/actions/create_image`, {});
      const response = await call('POST', `/v1/servers/${server.id}/actions/enable_backup`);
      expect(response.status).toBe(423);
      expect(response.json.error.code).toBe('locked');
    });
  });
});
