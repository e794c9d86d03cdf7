// The stored token and its key: a lost or replaced key file is said on every page, in the log and in doctor,
// the ciphertext is kept so that putting the key back recovers the token; and an old token is a reminder.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FakeHcloud } from '../src/fake-hcloud';
import { DoctorService } from '../src/hetzner-snapshots/doctor/doctor.service';
import { HetznerConnectionService } from '../src/hetzner-snapshots/connection/hetzner-connection.service';
import { SettingsService } from '../src/hetzner-snapshots/settings/settings.service';
import { KEY_FILE_NAME } from '../src/secrets/secret-keys';
import { capturedLogLines, makeDataDir, PanelHarness, startPanel } from './support/panel-harness';

const TOKEN = 'tokenKeyTestAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA9876';
const DAY_MS = 86_400_000;

describe('the stored token and its key (e2e)', () => {
  let fake: FakeHcloud;
  let env: Record<string, string>;
  let dataDir: string;
  const open: PanelHarness[] = [];

  beforeEach(async () => {
    fake = await FakeHcloud.start();
    const server = fake.addServer({ name: 'web-1' });
    fake.setMetadata({ serverId: server.id });
    fake.addToken(TOKEN);
    env = { HCLOUD_ENDPOINT: fake.apiEndpoint, HCLOUD_METADATA_ENDPOINT: fake.metadataEndpoint };
    dataDir = makeDataDir();
  });
  afterEach(async () => {
    for (const p of open.splice(0)) await p.app.close().catch(() => undefined);
    fs.rmSync(dataDir, { recursive: true, force: true });
    await fake.close();
  });
  afterAll(() => {
    expect(capturedLogLines.join('\n')).not.toContain(TOKEN);
  });

  /** A panel on the shared data folder; stopped without deleting the folder, as a restart would. */
  async function start(): Promise<PanelHarness> {
    const panel = await startPanel({ env, dataDir, role: 'cli' });
    open.push(panel);
    return panel;
  }
  async function stop(panel: PanelHarness): Promise<void> {
    open.splice(open.indexOf(panel), 1);
    await panel.app.close();
  }
  async function ciphertext(panel: PanelHarness): Promise<string | null> {
    const [row]: { token_encrypted: string | null }[] = await panel.rt.dataSource.query(
      'SELECT token_encrypted FROM panel_settings WHERE id = 1',
    );
    return row.token_encrypted;
  }

  it('a lost key file: every page, the settings page, the log and doctor say so; the key put back recovers the token', async () => {
    const first = await start();
    expect((await first.get<SettingsService>(SettingsService).saveToken(TOKEN, 'cli')).ok).toBe(true);
    const saved = await ciphertext(first);
    await stop(first);

    const keyFile = path.join(dataDir, KEY_FILE_NAME);
    const oldKey = fs.readFileSync(keyFile);
    fs.rmSync(keyFile);

    const lost = await start();
    expect(lost.rt.keys.created).toBe(true);
    expect(lost.logs.join('\n')).toContain('A new key file was generated at this start');
    const agent = await lost.signedIn();
    const settings = await agent.get('/settings');
    expect(settings.status).toBe(200);
    expect(settings.text).toContain('id="token-undecryptable"');
    expect(settings.text).toContain('cannot be decrypted');
    expect(settings.text).not.toContain('Read &amp; Write</span>');
    for (const page of ['/snapshots', '/history']) {
      const res = await agent.get(page);
      expect(res.status).toBe(200);
      expect(res.text).toContain('cannot be decrypted with the current key');
    }
    const checks = await lost.get<DoctorService>(DoctorService).run();
    expect(checks.find((c) => c.name === 'token')).toMatchObject({ level: 'FAIL' });
    // "Check again" does not forget or overwrite the ciphertext.
    await lost.get<SettingsService>(SettingsService).recheckToken();
    expect(await ciphertext(lost)).toBe(saved);
    await stop(lost);

    fs.writeFileSync(keyFile, oldKey, { mode: 0o600 });
    const recovered = await start();
    expect(await recovered.get<HetznerConnectionService>(HetznerConnectionService).effectiveToken()).toEqual({
      token: TOKEN,
      source: 'settings',
    });
    const page = await (await recovered.signedIn()).get('/settings');
    expect(page.text).not.toContain('id="token-undecryptable"');
    expect(page.text).toContain('Read &amp; Write</span>');
  });

  it('a token older than 90 days: its age in Settings and doctor, a reminder on every page with the steps', async () => {
    const panel = await start();
    expect((await panel.get<SettingsService>(SettingsService).saveToken(TOKEN, 'cli')).ok).toBe(true);
    const agent = await panel.signedIn();
    const fresh = await agent.get('/settings');
    expect(fresh.text).toContain('<dd id="token-age">saved today</dd>');
    expect(fresh.text).not.toContain('id="token-rotation"');

    await panel.rt.dataSource.query('UPDATE panel_settings SET token_saved_at = ? WHERE id = 1', [
      new Date(Date.now() - 100 * DAY_MS).toISOString(),
    ]);
    const old = await agent.get('/settings');
    expect(old.text).toContain('<dd id="token-age">saved 100 days ago</dd>');
    expect(old.text).toContain('id="token-rotation"');
    expect(old.text).toContain('Only then delete the old token');
    expect((await agent.get('/history')).text).toContain('The API token was saved 100 days ago');
    const checks = await panel.get<DoctorService>(DoctorService).run();
    expect(checks.find((c) => c.name === 'token-age')).toMatchObject({
      level: 'WARN',
      message: expect.stringContaining('saved 100 days ago'),
    });
  });
});
