// Consistency hooks (PRE/POST_SNAPSHOT_COMMAND from the environment) around the snapshot, and a generic
// webhook channel that tells an outside receiver about failures and recovery (more in notifications.e2e-spec).
import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { readHooks } from '../src/hetzner-snapshots/cycle/cycle-run.store';
import { SnapshotCycleService } from '../src/hetzner-snapshots/cycle/snapshot-cycle.service';
import { addChannelRow, flushNotifications } from './support/notification-fixtures';
import { capturedLogLines, PanelHarness } from './support/panel-harness';
import {
  cycleRuns,
  requestsOf,
  SchedulerWorld,
  startSchedulerPanel,
  startWorld,
  TOKEN,
} from './support/scheduler-fixtures';

describe('consistency hooks (e2e)', () => {
  let world: SchedulerWorld;
  let panel: PanelHarness;

  afterEach(async () => {
    await panel.close();
    await world.fake.close();
  });

  const start = async (env: Record<string, string>) => {
    world = await startWorld({ env });
    panel = await startSchedulerPanel(world);
    return panel.get<SnapshotCycleService>(SnapshotCycleService);
  };

  it('runs the pre command before and the post command after the snapshot, and records both', async () => {
    const cycles = await start({
      PRE_SNAPSHOT_COMMAND: 'echo "tables flushed for server $SNAPSHOT_PANEL_SERVER_ID"',
      POST_SNAPSHOT_COMMAND:
        'echo "unlocked after $SNAPSHOT_PANEL_OUTCOME snapshot $SNAPSHOT_PANEL_IMAGE_ID"',
    });

    const outcome = await cycles.runCycle({ trigger: 'cli' });

    expect(outcome.status).toBe('succeeded');
    const [run] = await cycleRuns(panel);
    const hooks = readHooks(run);
    expect(hooks.pre).toMatchObject({
      ok: true,
      exitCode: 0,
      timedOut: false,
      output: `tables flushed for server ${world.serverId}`,
    });
    expect(hooks.post).toMatchObject({
      ok: true,
      output: `unlocked after succeeded snapshot ${run.imageId}`,
    });
    const page = await (await panel.signedIn()).get('/history');
    expect(page.text).toContain('badge badge-ok">Pre-snapshot command</span> exit status 0');
    expect(page.text).toContain(`unlocked after succeeded snapshot ${run.imageId}`);
  });

  it('the post command runs even when the snapshot fails', async () => {
    const cycles = await start({
      PRE_SNAPSHOT_COMMAND: 'echo frozen',
      POST_SNAPSHOT_COMMAND: 'echo "thawed after $SNAPSHOT_PANEL_OUTCOME"',
    });
    world.fake.failActionsNext(1, { code: 'image_failed', message: 'the disk could not be read' });

    const outcome = await cycles.runCycle({ trigger: 'cli' });

    expect(outcome.status).toBe('failed');
    const [run] = await cycleRuns(panel);
    expect(run.errorCode).toBe('image_failed');
    expect(readHooks(run).post).toMatchObject({ ok: true, output: 'thawed after failed' });
  });

  it('a failing pre command means no snapshot, and the post command still runs', async () => {
    const cycles = await start({
      PRE_SNAPSHOT_COMMAND: 'echo "cannot lock tables" >&2; exit 4',
      POST_SNAPSHOT_COMMAND: 'echo undone',
    });

    const outcome = await cycles.runCycle({ trigger: 'cli' });

    expect(outcome.status).toBe('failed');
    const [run] = await cycleRuns(panel);
    expect(run).toMatchObject({ errorCode: 'pre_hook_failed', imageId: null });
    expect(run.errorMessage).toBe(
      'The pre-snapshot command (PRE_SNAPSHOT_COMMAND) exited with status 4: cannot lock tables. No snapshot was taken.',
    );
    expect(requestsOf(world.fake, 'POST', `/v1/servers/${world.serverId}/actions/create_image`)).toHaveLength(
      0,
    );
    expect(readHooks(run)).toMatchObject({
      pre: { ok: false, exitCode: 4 },
      post: { ok: true, output: 'undone' },
    });
    const page = await (await panel.signedIn()).get('/history');
    expect(page.text).toContain('badge badge-danger">Pre-snapshot command</span> exit status 4');
  });

  it('a pre command past SNAPSHOT_HOOK_TIMEOUT_SECONDS is stopped, recorded as timed out, and fails the run', async () => {
    const cycles = await start({
      PRE_SNAPSHOT_COMMAND: 'echo waiting; sleep 30',
      POST_SNAPSHOT_COMMAND: 'echo after',
      SNAPSHOT_HOOK_TIMEOUT_SECONDS: '1',
    });

    const outcome = await cycles.runCycle({ trigger: 'cli' });

    expect(outcome.status).toBe('failed');
    const [run] = await cycleRuns(panel);
    expect(readHooks(run).pre).toMatchObject({ ok: false, timedOut: true, output: 'waiting' });
    expect(run.errorMessage).toContain(
      'did not finish within 1 s (SNAPSHOT_HOOK_TIMEOUT_SECONDS) and was stopped',
    );
    expect(readHooks(run).post).toMatchObject({ ok: true, output: 'after' });
    const page = await (await panel.signedIn()).get('/history');
    expect(page.text).toContain('timed out after');
  });

  it('a failing post command fails the run loudly, but the snapshot stands and is pruned around', async () => {
    const cycles = await start({ POST_SNAPSHOT_COMMAND: 'echo "fsfreeze: cannot unfreeze"; exit 1' });

    const outcome = await cycles.runCycle({ trigger: 'cli' });

    expect(outcome.status).toBe('failed');
    const [run] = await cycleRuns(panel);
    expect(run.errorCode).toBe('post_hook_failed');
    expect(run.errorMessage).toBe(
      `Snapshot ${run.imageId} was taken, but the post-snapshot command (POST_SNAPSHOT_COMMAND) exited with status 1: fsfreeze: cannot unfreeze.`,
    );
    expect(run.pruneNote).toContain('Deleted nothing.');
  });
});

describe('webhook (e2e)', () => {
  let world: SchedulerWorld;
  let panel: PanelHarness;
  let receiver: Server;
  let received: { body: string; contentType: string | undefined }[];

  beforeEach(async () => {
    received = [];
    receiver = createServer((req: IncomingMessage, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => {
        received.push({ body, contentType: req.headers['content-type'] });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    world = await startWorld();
    // The receiver is on loopback, which webhooks may reach only with this setting.
    panel = await startSchedulerPanel(world, { env: { WEBHOOK_ALLOW_PRIVATE_ADDRESSES: 'true' } });
    await addChannelRow(panel, {
      url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/snapshots`,
      events: 'cycle.failed',
    });
  });
  afterEach(async () => {
    await panel.close();
    await world.fake.close();
    await new Promise((resolve) => receiver.close(resolve));
  });
  afterAll(() => {
    expect(capturedLogLines.join('\n')).not.toContain(TOKEN);
  });

  it('posts cycle.failed on a failure and cycle.recovered on the first success after it, never the token', async () => {
    const cycles = panel.get<SnapshotCycleService>(SnapshotCycleService);

    world.fake.failActionsNext(1, { code: 'image_failed', message: 'the disk could not be read' });
    await cycles.runCycle({ trigger: 'schedule' });
    await flushNotifications(panel);
    expect(received).toHaveLength(1);
    const failed = JSON.parse(received[0].body);
    expect(received[0].contentType).toBe('application/json');
    expect(failed).toMatchObject({
      event: 'cycle.failed',
      server: { id: world.serverId, name: 'web-1' },
      run: { id: 1, trigger: 'schedule', status: 'failed', errorCode: 'image_failed' },
      message: expect.stringContaining('the disk could not be read'),
    });

    await cycles.runCycle({ trigger: 'schedule' });
    await flushNotifications(panel);
    expect(received).toHaveLength(2);
    const recovered = JSON.parse(received[1].body);
    expect(recovered).toMatchObject({
      event: 'cycle.recovered',
      run: { id: 2, status: 'succeeded' },
      message: expect.stringContaining('Automatic snapshots work again'),
    });

    // A success after a success is not news.
    await cycles.runCycle({ trigger: 'schedule' });
    await flushNotifications(panel);
    expect(received).toHaveLength(2);
    for (const { body } of received) expect(body).not.toContain(TOKEN);
  });

  it('a webhook receiver that is down changes nothing about the cycle', async () => {
    await addChannelRow(panel, {
      name: 'Nobody',
      url: 'http://127.0.0.1:9/nobody-listens',
      events: 'cycle.failed',
    });
    world.fake.failActionsNext(1);

    const outcome = await panel
      .get<SnapshotCycleService>(SnapshotCycleService)
      .runCycle({ trigger: 'schedule' });
    await flushNotifications(panel);

    expect(outcome.status).toBe('failed');
    expect(
      panel.logs.some((line) =>
        line.includes('cycle.failed to channel "Nobody" failed (attempt 1): http://127.0.0.1:9:'),
      ),
    ).toBe(true);
  });

  it.each([
    [
      'loopback, by default',
      (port: number) => `http://127.0.0.1:${port}/hooks/snapshots`,
      {},
      'WEBHOOK_ALLOW_PRIVATE_ADDRESSES=true',
    ],
    ['loopback written as 0x7f000001', (port: number) => `http://0x7f000001:${port}/hooks`, {}, 'loopback'],
    ['a name that resolves to loopback', (port: number) => `http://localhost:${port}/hooks`, {}, 'loopback'],
    [
      'the metadata service, even when private addresses are allowed',
      () => 'http://169.254.169.254/hetzner/v1/metadata',
      { WEBHOOK_ALLOW_PRIVATE_ADDRESSES: 'true' },
      'never sends webhooks there',
    ],
  ] as const)(
    'refuses at delivery: %s (stored before the rule, or by hand), and logs why',
    async (_case, url, env, words) => {
      await panel.close();
      panel = await startSchedulerPanel(world, { env });
      const port = (receiver.address() as AddressInfo).port;
      await addChannelRow(panel, { name: 'Refused', url: url(port), events: 'cycle.failed' });
      world.fake.failActionsNext(1);
      await panel.get<SnapshotCycleService>(SnapshotCycleService).runCycle({ trigger: 'schedule' });
      await flushNotifications(panel);
      expect(received).toEqual([]);
      expect(
        panel.logs.some(
          (line) => line.includes('cycle.failed to channel "Refused" failed') && line.includes(words),
        ),
      ).toBe(true);
    },
  );
});
