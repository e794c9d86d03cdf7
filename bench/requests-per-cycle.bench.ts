// Hetzner requests one automatic cycle costs, measured against the fake in simulated time: the panel's own
// cycle (create, its growing poll intervals, confirm, list, delete), next to the least any tool could do
// and next to the official SDKs' fixed polling, measured by polling the fake's action the same way.
import type { FakeHcloud } from '../src/fake-hcloud';
import { LabelBackfillService } from '../src/hetzner-snapshots/labels/label-backfill.service';
import { SnapshotCycleService } from '../src/hetzner-snapshots/cycle/snapshot-cycle.service';
import { AUTO_LABELS, HOUR_MS, simulatedClock, startInProcessPanel, startWorld, TOKEN } from './bench-panel';

export interface CycleRequests {
  actionSeconds: number;
  /** What reached the fake, by step of the cycle. */
  panel: {
    getServer: number;
    create: number;
    polls: number;
    getImage: number;
    listPages: number;
    deletes: number;
    total: number;
    /** The run's own count (cycle_runs.request_count): must equal `total`. */
    recorded: number;
  };
  /**
   * The steady state: after the server-label backfill and two confirmed cycles, the first poll is placed from
   * their duration and the server's name is cached. Nothing is past retention then.
   */
  learned: { total: number; polls: number; listPages: number };
  /** create + one poll + the listing + the deletes. */
  minimum: number;
  /** Each request of the panel's cycle: seconds after the cycle began (simulated), and whether it polled the action. */
  timeline: { atSeconds: number; poll: boolean }[];
  sdk: { intervalMs: number; polls: number; cycleTotal: number }[];
}

/** The steady state of a 6-hourly schedule kept 7 days: 29 automatic snapshots, one past retention. */
const SNAPSHOT_AGES_HOURS = Array.from({ length: 29 }, (_, k) => 3 + 6 * k);
export const SDK_POLL_INTERVALS_MS = [500, 1_000];

export async function measureCycleRequests(actionMs: number): Promise<CycleRequests> {
  const world = await startWorld({ actionDurationMs: actionMs });
  const { fake, serverId } = world;
  const panel = await startInProcessPanel(world, simulatedClock(fake));
  try {
    for (const hours of SNAPSHOT_AGES_HOURS) {
      fake.addImage({
        serverId,
        labels: AUTO_LABELS,
        created: new Date(fake.now().getTime() - hours * HOUR_MS),
      });
    }
    fake.clearRequests();
    const outcome = await panel.get<SnapshotCycleService>(SnapshotCycleService).runCycle({ trigger: 'cli' });
    if (outcome.status !== 'succeeded')
      throw new Error(`the measured cycle ${outcome.status}: ${outcome.message}`);
    const api = fake.requests.filter((r) => r.path.startsWith('/v1/'));
    const count = (method: string, pattern: RegExp) =>
      api.filter((r) => r.method === method && pattern.test(r.path)).length;
    const steps = {
      getServer: count('GET', new RegExp(`^/v1/servers/${serverId}$`)),
      create: count('POST', /\/actions\/create_image$/),
      polls: count('GET', /^\/v1\/actions\/\d+$/),
      getImage: count('GET', /^\/v1\/images\/\d+$/),
      listPages: count('GET', /^\/v1\/images$/),
      deletes: count('DELETE', /^\/v1\/images\/\d+$/),
    };
    const total = api.length;
    const began = api[0]?.at.getTime() ?? 0;
    const timeline = api.map((r) => ({
      atSeconds: Math.round((r.at.getTime() - began) / 100) / 10,
      poll: r.method === 'GET' && /^\/v1\/actions\/\d+$/.test(r.path),
    }));
    const sdk = [];
    for (const intervalMs of SDK_POLL_INTERVALS_MS) {
      const polls = await pollLikeAnSdk(world.fake, serverId, intervalMs);
      sdk.push({ intervalMs, polls, cycleTotal: total - steps.polls + polls });
    }
    const backfill = await panel.get<LabelBackfillService>(LabelBackfillService).runIfDue();
    if (backfill.status !== 'completed') throw new Error(`the label backfill ${backfill.status}`);
    const cycles = panel.get<SnapshotCycleService>(SnapshotCycleService);
    await cycles.runCycle({ trigger: 'cli' });
    fake.clearRequests();
    const steady = await cycles.runCycle({ trigger: 'cli' });
    if (steady.status !== 'succeeded')
      throw new Error(`the learned cycle ${steady.status}: ${steady.message}`);
    const learnedApi = fake.requests.filter((r) => r.path.startsWith('/v1/'));
    const learned = {
      total: learnedApi.length,
      polls: learnedApi.filter((r) => r.method === 'GET' && /^\/v1\/actions\/\d+$/.test(r.path)).length,
      listPages: learnedApi.filter((r) => r.method === 'GET' && r.path === '/v1/images').length,
    };
    return {
      actionSeconds: actionMs / 1000,
      panel: { ...steps, total, recorded: outcome.run?.requestCount ?? -1 },
      learned,
      minimum: steps.create + 1 + steps.listPages + steps.deletes,
      timeline,
      sdk,
    };
  } finally {
    await panel.close();
    await fake.close();
  }
}

/**
 * Starts a snapshot and waits for it the way hcloud-go (every 0.5 s) and hcloud-python (every 1 s) do:
 * sleep one interval, ask, repeat until the action has ended. Returns how many times it asked.
 */
async function pollLikeAnSdk(fake: FakeHcloud, serverId: number, intervalMs: number): Promise<number> {
  const headers = { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' };
  const started = await fetch(`${fake.apiEndpoint}/servers/${serverId}/actions/create_image`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ type: 'snapshot', description: 'sdk-style' }),
  });
  const { action } = (await started.json()) as { action: { id: number; status: string } };
  let polls = 0;
  for (let status = action.status; status === 'running';) {
    fake.advance(intervalMs);
    const res = await fetch(`${fake.apiEndpoint}/actions/${action.id}`, { headers });
    status = ((await res.json()) as { action: { status: string } }).action.status;
    polls++;
  }
  return polls;
}
