// A real crash in the middle of a drill: `snapshot-panel verify` as a child process is SIGKILLed while it waits
// for its temporary server to boot; the panel started afterwards on the same data folder deletes that server
// (and only that one) before anything else, and the drill's record says what happened.
import { FakeHcloud } from '../src/fake-hcloud';
import { DrillRunStore } from '../src/hetzner-snapshots/verify/drill-run.store';
import { DrillService } from '../src/hetzner-snapshots/verify/drill.service';
import { drillServerLabels } from '../src/hetzner-snapshots/verify/drill.rules';
import { assertBuilt, startPanelProcess } from './faults/support/panel-process';
import { makeDataDir, startPanel } from './support/panel-harness';

const TOKEN = 'verify-crash-token-0123456789abcdef';

async function until(what: string, test: () => boolean, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!test()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('verify: a crash in the middle of a drill (e2e, a real SIGKILL)', () => {
  let fake: FakeHcloud;
  beforeAll(() => assertBuilt());
  afterEach(async () => fake?.close());

  it('the restarted panel deletes the drill server the killed process left, and nothing else', async () => {
    fake = await FakeHcloud.start({ actionDurationMs: 500 });
    fake.addToken(TOKEN);
    const server = fake.addServer({ name: 'web-1' });
    fake.setMetadata({ serverId: server.id });
    const snapshot = fake.addImage({ serverId: server.id, description: 'nightly' });
    // Another panel's drill server in the same project: never ours to delete.
    fake.addServer({ name: 'other-drill', labels: drillServerLabels({ panelServerId: 1, imageId: 9 }) });
    fake.setNewServers({ boot: 'stuck' });
    const env = {
      DATA_DIR: makeDataDir(),
      HCLOUD_ENDPOINT: fake.apiEndpoint,
      HCLOUD_METADATA_ENDPOINT: fake.metadataEndpoint,
      HCLOUD_TOKEN: TOKEN,
      TZ: 'UTC',
      LOG_LEVEL: 'warn',
    };

    const child = startPanelProcess(['verify', String(snapshot.id)], env, 0);
    // Mid-drill: the server exists and the drill is polling its create action (its id is written by then).
    await until('the drill to poll its server', () =>
      fake.requests.some((r) => r.method === 'GET' && r.path.startsWith('/v1/actions/')),
    );
    await until('the server to have been created and running its boot', () =>
      fake.requests.some(
        (r) =>
          r.method === 'GET' && r.path.startsWith('/v1/servers/') && r.path !== `/v1/servers/${server.id}`,
      ),
    );
    expect(child.killNow()).toBe(true);
    await child.exited;
    const left = fake.servers().filter((s) => s.labels['snapshot-panel/drill-of'] === String(server.id));
    expect(left).toHaveLength(1);
    fake.clearRequests();

    const panel = await startPanel({ env, dataDir: env.DATA_DIR, role: 'server' });
    try {
      await panel.get<DrillService>(DrillService).whenStarted();
      expect(
        fake
          .servers()
          .map((s) => s.name)
          .sort(),
      ).toEqual(['other-drill', 'web-1']);
      expect(fake.requests.filter((r) => r.method === 'DELETE').map((r) => r.path)).toEqual([
        `/v1/servers/${left[0].id}`,
      ]);
      const run = (await panel.get<DrillRunStore>(DrillRunStore).get(1))!;
      expect(run).toMatchObject({ status: 'failed', step: 'done', drillServerId: left[0].id });
      expect(run.errorMessage).toContain(`its server ${left[0].id} was deleted by the clean-up`);
      expect(run.serverDeletedAt).not.toBeNull();
    } finally {
      await panel.close();
    }
  }, 60_000);
});
