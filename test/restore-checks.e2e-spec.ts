// A restore that checks before it acts: each refused check is shown on the page and by `restore --dry-run`,
// refuses the form with its reason and sends nothing; a passed restore follows the rebuild to its end and
// shows Hetzner's root password once.
import type TestAgent from 'supertest/lib/agent';
import { Clock } from '../src/clock/clock';
import { FakeHcloud, FakeImageRecord, FakeServerRecord } from '../src/fake-hcloud';
import { RestoreService } from '../src/hetzner-snapshots/restore/restore.service';
import { runPanelCli } from './support/cli-runner';
import { capturedLogLines, csrfFrom, PanelHarness, startPanel } from './support/panel-harness';
import { visibleText } from './support/snapshots-fixture';

const TOKEN = 'restore-checks-token-0123456789abcdef';
const ROOT_PASSWORD = 'hetzner-root-pw-7Hq2xZ';

describe('restore checks before it acts (e2e)', () => {
  let fake: FakeHcloud;
  let panel: PanelHarness;
  let agent: TestAgent;
  let server: FakeServerRecord;
  let snapshot: FakeImageRecord;

  beforeEach(async () => {
    fake = await FakeHcloud.start({ actionDurationMs: 60_000 });
    fake.addToken(TOKEN);
    server = fake.addServer({ name: 'web-1' });
    fake.setMetadata({ serverId: server.id });
    snapshot = fake.addImage({ serverId: server.id, description: 'before the upgrade' });
    const clock: Clock = { now: () => fake.now(), sleep: async (ms) => fake.advance(ms) };
    panel = await startPanel({
      env: {
        HCLOUD_ENDPOINT: fake.apiEndpoint,
        HCLOUD_METADATA_ENDPOINT: fake.metadataEndpoint,
        HCLOUD_TOKEN: TOKEN,
      },
      clock,
      role: 'cli',
    });
    agent = await panel.signedIn();
    fake.clearRequests();
  });
  afterEach(async () => {
    await panel.get<RestoreService>(RestoreService).whenIdle();
    await panel.close();
    await fake.close();
  });
  afterAll(() => {
    const logs = capturedLogLines.join('\n');
    expect(logs).not.toContain(TOKEN);
    expect(logs).not.toContain(ROOT_PASSWORD);
  });

  const changes = () => fake.requests.filter((r) => r.method !== 'GET');
  const path = () => `/snapshots/${snapshot.id}/restore`;
  const cli = (args: string[]) =>
    runPanelCli(panel, ['restore', String(snapshot.id), ...args], '', {
      HCLOUD_ENDPOINT: fake.apiEndpoint,
      HCLOUD_METADATA_ENDPOINT: fake.metadataEndpoint,
      HCLOUD_TOKEN: TOKEN,
    });

  it('all checks pass: the page lists them with the likely duration', async () => {
    const text = visibleText((await agent.get(path())).text);
    expect(text).toContain('Checks before anything changes');
    expect(text).toContain(`OK Snapshot ${snapshot.id} is available.`);
    expect(text).toContain("OK Its architecture (x86) matches the server's (cx22).");
    expect(text).toContain("OK Its disk (40 GB) fits the server type's disk (40 GB).");
    expect(text).toContain('OK The server is not locked by another action.');
    expect(text).toContain('OK The server has no rebuild protection.');
    expect(text).toContain('OK A safety snapshot can be taken');
    expect(text).toMatch(/INFO A rebuild of this size likely takes about \d+ minutes/);
    const dry = await cli(['--dry-run']);
    expect(dry.status).toBe(0);
    expect(dry.out).toContain('Dry run: every check passed; nothing was changed.');
    expect(changes()).toEqual([]);
  });

  const refusals: [string, () => void, RegExp, boolean][] = [
    [
      'the image is not available',
      () => (snapshot.status = 'creating'),
      /is creating, not available yet/,
      false,
    ],
    [
      'another architecture',
      () => (snapshot.architecture = 'arm'),
      /is for arm, but web-1 is a cx22 \(x86\)/,
      false,
    ],
    [
      'a disk too big for the server type',
      () => (snapshot.diskSize = 80),
      /needs a disk of 80 GB, but a cx22 has 40 GB/,
      false,
    ],
    [
      'rebuild protection, with how to lift it',
      () => (server.protection = { delete: true, rebuild: true }),
      /protected against rebuilding\. Lift it in the Hetzner Console/,
      false,
    ],
    [
      'an API budget too short for a safety snapshot',
      () => fake.setRateLimit(1, 15),
      /API requests are left in this hour's budget/,
      true,
    ],
  ];

  it.each(refusals)(
    'refused: %s (page, form and --dry-run; nothing changes)',
    async (_name, arrange, says, skippable) => {
      arrange();
      const page = await agent.get(path());
      expect(visibleText(page.text)).toMatch(new RegExp(`FAIL [^]*${says.source}`));
      if (!skippable) expect(page.text).not.toContain('name="confirmServerName"');
      else {
        const csrf = await csrfFrom(agent, path());
        const res = await agent.post(path()).type('form').send({ _csrf: csrf, confirmServerName: 'web-1' });
        expect(res.status).toBe(409);
        expect(visibleText(res.text)).toMatch(says);
      }
      const dry = await cli(['--dry-run']);
      expect(dry.status).toBe(1);
      expect(dry.err).toMatch(says);
      expect(changes()).toEqual([]);
    },
  );

  it('refused: the server is locked by another action', async () => {
    await fetch(`${fake.apiEndpoint}/servers/${server.id}/actions/poweroff`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${TOKEN}` },
    });
    fake.clearRequests();
    const text = visibleText((await agent.get(path())).text);
    expect(text).toContain('FAIL Server "web-1" is locked: another action');
    expect(changes()).toEqual([]);
  });

  it('after the rebuild the action is followed to its end, and the root password is shown once', async () => {
    fake.setRebuildRootPassword(ROOT_PASSWORD);
    const csrf = await csrfFrom(agent, path());
    const res = await agent
      .post(path())
      .type('form')
      .send({ _csrf: csrf, confirmServerName: 'web-1', skipSafetySnapshot: '1' });
    expect(res.status).toBe(303);
    await panel.get<RestoreService>(RestoreService).whenIdle();
    const first = await agent.get(res.headers.location);
    expect(visibleText(first.text)).toContain('The rebuild finished');
    expect(first.text).toContain(ROOT_PASSWORD);
    const second = await agent.get(res.headers.location);
    expect(visibleText(second.text)).toContain('The rebuild finished');
    expect(second.text).not.toContain(ROOT_PASSWORD);
    expect(fake.servers().find((s) => s.id === server.id)!.status).toBe('running');
  });
});
