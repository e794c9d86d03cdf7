// The fault campaign (issue 6): many snapshot cycles in simulated time against the fake Hetzner API while
// it fails at random (5xx, timeouts, 429 with reset, 423, 409, failed actions, slow and truncated answers,
// any page of a list), with the invariants checked after every cycle against an independent oracle of the
// retention rules. FAULT_CYCLES sets the length (CI: the short default; `npm run test:faults`: 400) and
// FAULT_SEED replays a run (the seed is printed at the start and in the closing table).
//
// Timeouts: the client's per-request timeout is real time (AbortSignal.timeout, 30 s by default), so the
// campaign lowers it to CLIENT_TIMEOUT_MS on every client the panel builds (see shortenClientTimeouts) and
// then injects real hangs (never answered) and late answers (carried out after the client gave up).
import { MoreThan, Repository } from 'typeorm';
import { getRepositoryToken } from '@nestjs/typeorm';
import type { FakeImageRecord } from '../../src/fake-hcloud';
import { HetznerConnectionService } from '../../src/hetzner-snapshots/connection/hetzner-connection.service';
import { CycleRun } from '../../src/hetzner-snapshots/cycle/cycle-run.entity';
import { readDeleted } from '../../src/hetzner-snapshots/cycle/cycle-run.store';
import { ScheduleRunnerService } from '../../src/hetzner-snapshots/cycle/schedule-runner.service';
import { ServerStateStore } from '../../src/hetzner-snapshots/server-state/server-state.store';
import {
  SnapshotCycleService,
  type CycleOutcome,
} from '../../src/hetzner-snapshots/cycle/snapshot-cycle.service';
import {
  nextRuns,
  parseFrequency,
  toCronExpression,
} from '../../src/hetzner-snapshots/schedule/snapshot-schedule';
import { capturedLogLines, PanelHarness } from '../support/panel-harness';
import {
  AUTO_LABELS,
  changeSettings,
  DAY_MS,
  SchedulerWorld,
  simulatedClock,
  startSchedulerPanel,
  startWorld,
  TOKEN,
} from '../support/scheduler-fixtures';
import { formatTable, publishReport, ReportRow } from './support/campaign-report';
import {
  FAULT_KINDS,
  FAULT_TARGETS,
  FaultInjector,
  FaultKind,
  FaultSpec,
  FaultTarget,
} from './support/fault-injector';
import { deletableByRules, isAutomaticOf, OraclePolicy } from './support/retention-oracle';
import { campaignSeed, seededRandom, SeededRandom } from './support/seeded-random';
import { countUnhandledRejections, RejectionCounter } from './support/unhandled-rejections';

const CYCLES = wholeNumber(process.env.FAULT_CYCLES, 40);
const SEED = campaignSeed();
const CLIENT_TIMEOUT_MS = 800;
const TIME_ZONE = 'Europe/Berlin'; // the harness's TZ
const FREQUENCIES = ['1h', '2h', '3h', '4h', '6h', '8h', '12h', 'daily@03:30'];
// Jest reads testTimeout only globally, not per project, so the faults project's 600 s is set here.
const CAMPAIGN_TIMEOUT_MS = 30 * 60_000;
/** Stop early once this many invariant breaches are known: the seed replays them. */
const MAX_BREACHES = 25;
/** From this cycle on, the server-label backfill is run between cycles until it has completed. */
const BACKFILL_FROM_CYCLE = 5;
const SERVER_LABEL = 'snapshot-panel/server';

interface Tally {
  succeeded: number;
  failed: number;
  interrupted: number;
  recovered: number;
  failureCodes: Map<string, number>;
  deletions: number;
  pruneSkipped: number;
  orphanSnapshots: number;
  wrongDeletions: number;
  wrongDeleteAttempts: number;
  resignIns: number;
  outages: number;
}

describe('fault campaign', () => {
  let world: SchedulerWorld;
  let panel: PanelHarness;
  let rejections: RejectionCounter;

  beforeAll(() => {
    process.stdout.write(
      `fault campaign: ${CYCLES} cycles, seed ${SEED} (replay with FAULT_SEED=${SEED} FAULT_CYCLES=${CYCLES})\n`,
    );
  });
  afterAll(async () => {
    rejections?.stop();
    await panel?.close();
    await world?.fake.close();
  });

  it(
    'keeps every invariant through random Hetzner failures, cycle after cycle',
    async () => {
      const random = seededRandom(SEED);
      rejections = countUnhandledRejections();
      let rejectionsSeen = 0;
      world = await startWorld({ actionDurationMs: 60_000 });
      const { fake, serverId } = world;
      const otherServer = fake.addServer({ name: 'db-1' });
      panel = await startSchedulerPanel(world, { clock: simulatedClock(fake) });
      shortenClientTimeouts(panel, CLIENT_TIMEOUT_MS);
      const cycles = panel.get<SnapshotCycleService>(SnapshotCycleService);
      const runs = panel.get<Repository<CycleRun>>(getRepositoryToken(CycleRun));
      const injector = new FaultInjector(fake, serverId, { clientTimeoutMs: CLIENT_TIMEOUT_MS });
      const runner = panel.get<ScheduleRunnerService>(ScheduleRunnerService);
      const serverState = panel.get<ServerStateStore>(ServerStateStore);
      const breaches: string[] = [];
      const tally: Tally = {
        succeeded: 0,
        failed: 0,
        interrupted: 0,
        recovered: 0,
        failureCodes: new Map(),
        deletions: 0,
        pruneSkipped: 0,
        orphanSnapshots: 0,
        wrongDeletions: 0,
        wrongDeleteAttempts: 0,
        resignIns: 0,
        outages: 0,
      };

      // Every DELETE is judged when it arrives, against the whole account as it was when this cycle's pruning
      // began and the policy in force: the rules allow it or they do not.
      let policy: OraclePolicy = { retentionDays: 7, keepMin: 3, tiers: null };
      let cycleNo = 0;
      let pruneView: { approved: Set<number>; at: Date } | null = null;
      // The backfill may change labels only of the panel's own snapshots made from this server.
      injector.watch('PUT', /^\/v1\/images\/\d+$/, (path) => {
        const id = Number(path.split('/').pop());
        const image = fake.images().find((candidate) => candidate.id === id);
        if (!image || image.labels['managed-by'] !== 'snapshot-panel' || image.createdFrom?.id !== serverId)
          breaches.push(`cycle ${cycleNo}: PUT of image ${id}, which is not the panel's of this server`);
      });
      injector.watch('DELETE', /^\/v1\/images\/\d+$/, (path) => {
        const id = Number(path.split('/').pop());
        if (!pruneView) {
          const at = fake.now();
          pruneView = {
            at,
            approved: deletableByRules({
              images: fake.images(),
              serverId,
              policy,
              now: at,
              timeZone: TIME_ZONE,
            }),
          };
        }
        if (!pruneView.approved.has(id)) {
          tally.wrongDeleteAttempts++;
          breaches.push(
            `cycle ${cycleNo}: DELETE of image ${id}, which the rules keep (${JSON.stringify(policy)})`,
          );
        }
      });

      const neverDeleted = seedAccount(world, otherServer.id, random);
      let frequency = '6h';
      await applyPolicy(panel, policy, frequency);
      let agent = await panel.signedIn();
      let previousStatus: string | null = null;
      let backfilledAtCycle: number | null = null;

      for (cycleNo = 1; cycleNo <= CYCLES && breaches.length < MAX_BREACHES; cycleNo++) {
        if (cycleNo > 1 && random.chance(0.2)) {
          policy = randomPolicy(random);
          if (random.chance(0.5)) frequency = random.pick(FREQUENCIES);
          await applyPolicy(panel, policy, frequency);
        }
        if (random.chance(0.35)) addOldAutoSnapshots(world, random);

        // Part way in, the backfill gives the existing snapshots the server label (a fault may stop it; it is
        // run again until done): the cycles before it prune from the wide listing, those after by label.
        const backfilled = await serverState.labelsBackfilled(serverId);
        if (cycleNo >= BACKFILL_FROM_CYCLE && !backfilled) {
          const labelsBefore = new Map(fake.images().map((image) => [image.id, image.labels]));
          if (random.chance(0.3))
            injector.arm({ target: 'list-page', kind: 'http-500', nth: 1, burst: 6 }, random);
          await runner.runLabelBackfill();
          injector.disarmAll();
          await settle(fake, injector);
          breaches.push(...labelChanges(labelsBefore, fake.images(), serverId, cycleNo));
          if (await serverState.labelsBackfilled(serverId)) backfilledAtCycle = cycleNo;
        }

        const specs = planFaults(
          random,
          listPages(fake.images(), serverId, otherServer.id, await serverState.labelsBackfilled(serverId)),
        );
        for (const spec of specs) injector.arm(spec, random);
        if (random.chance(0.12)) injector.failNextAction();

        const before = fake.images();
        const errorActionsBefore = new Set(failedCreateActions(fake.actions()).map((a) => a.id));
        const lastRunId = (await runs.find({ order: { id: 'DESC' }, take: 1 }))[0]?.id ?? 0;
        pruneView = null;

        let outcome: CycleOutcome | null = null;
        try {
          outcome = await cycles.runCycle({ trigger: 'schedule' });
        } catch (err) {
          breaches.push(`cycle ${cycleNo}: runCycle threw instead of recording the failure: ${String(err)}`);
        }
        injector.disarmAll();
        await settle(fake, injector);

        // What left the account, and why it was allowed to.
        const after = fake.images();
        const afterIds = new Set(after.map((image) => image.id));
        const failedActions = failedCreateActions(fake.actions()).filter(
          (a) => !errorActionsBefore.has(a.id),
        );
        failedActions.forEach(() => injector.countActionError());
        const droppedByFailedAction = new Set(
          failedActions.flatMap((a) => a.resources.filter((r) => r.type === 'image').map((r) => r.id)),
        );
        const newRuns = await runs.find({ where: { id: MoreThan(lastRunId) }, order: { id: 'ASC' } });
        const run = newRuns[0];
        for (const image of before) {
          if (afterIds.has(image.id) || droppedByFailedAction.has(image.id)) continue;
          const view = pruneView as { approved: Set<number> } | null;
          if (view?.approved.has(image.id)) {
            tally.deletions++;
            const recorded =
              run !== undefined &&
              (readDeleted(run).some((d) => d.id === image.id) ||
                (run.pruneNote ?? '').includes(`${image.id}`));
            if (!recorded)
              breaches.push(`cycle ${cycleNo}: image ${image.id} was deleted but its run does not say so`);
            continue;
          }
          tally.wrongDeletions++;
          breaches.push(
            `cycle ${cycleNo}: image ${image.id} (${image.description}, ${JSON.stringify(image.labels)}) disappeared; the rules keep it`,
          );
        }
        for (const id of neverDeleted) {
          if (!afterIds.has(id)) breaches.push(`cycle ${cycleNo}: image ${id} (never deletable) is gone`);
        }
        breaches.push(...newestKept(before, after, serverId, policy.keepMin, fake.now(), cycleNo));
        tally.orphanSnapshots += after.filter(
          (image) =>
            !before.some((b) => b.id === image.id) &&
            isAutomaticOf(image, serverId) &&
            image.id !== run?.imageId,
        ).length;

        // What was recorded.
        if (newRuns.length !== 1)
          breaches.push(`cycle ${cycleNo}: ${newRuns.length} runs recorded, expected 1`);
        const stillRunning = await runs.countBy({ status: 'running' });
        if (stillRunning > 0) breaches.push(`cycle ${cycleNo}: ${stillRunning} run(s) left "running"`);
        if (outcome && run) {
          if (outcome.status !== run.status)
            breaches.push(`cycle ${cycleNo}: outcome ${outcome.status} but run recorded ${run.status}`);
          if (run.status === 'failed' || run.status === 'interrupted') {
            if (!run.errorCode || !run.errorMessage?.trim())
              breaches.push(`cycle ${cycleNo}: ${run.status} run ${run.id} has no error code or message`);
            tally.failureCodes.set(
              run.errorCode ?? '?',
              (tally.failureCodes.get(run.errorCode ?? '?') ?? 0) + 1,
            );
          }
          if (run.status === 'succeeded') {
            tally.succeeded++;
            if (previousStatus === 'failed' || previousStatus === 'interrupted') tally.recovered++;
            if ((run.pruneNote ?? '').startsWith('Nothing was deleted')) tally.pruneSkipped++;
          } else if (run.status === 'failed') tally.failed++;
          else if (run.status === 'interrupted') tally.interrupted++;
          else breaches.push(`cycle ${cycleNo}: unexpected outcome ${run.status}`);
          previousStatus = run.status;
        }
        if (rejections.count() > rejectionsSeen) {
          breaches.push(`cycle ${cycleNo}: ${rejections.count() - rejectionsSeen} unhandled rejection(s)`);
          rejectionsSeen = rejections.count();
        }

        // Still serving pages, signed in.
        for (const path of ['/history', '/snapshots']) {
          let res = await agent.get(path);
          if (res.status === 303 && /\/login/.test(String(res.headers.location))) {
            tally.resignIns++;
            agent = await panel.signedIn();
            res = await agent.get(path);
          }
          if (res.status !== 200) breaches.push(`cycle ${cycleNo}: GET ${path} answered ${res.status}`);
        }
        await settle(fake, injector);

        const [nextRun] = nextRuns(toCronExpression(parseFrequency(frequency)), {
          timeZone: TIME_ZONE,
          from: fake.now(),
          count: 1,
        });
        fake.advance(Math.max(60_000, nextRun.getTime() - fake.now().getTime()));
        // Now and then the server was off for days (a holiday outage): every snapshot is then past a short
        // retention, and only the newest-K rule stands between them and deletion.
        if (random.chance(0.1)) {
          const days = random.int(2, 30);
          fake.advance(days * DAY_MS);
          tally.outages++;
        }
      }
      const cyclesRun = cycleNo - 1;

      const rows: ReportRow[] = [
        ['seed', SEED],
        ['cycles', cyclesRun],
        ['outages of days between cycles', tally.outages],
        ['label backfill completed before cycle', backfilledAtCycle ?? 'never'],
        ...FAULT_KINDS.map((kind): ReportRow => [`faults injected: ${kind}`, injector.injected[kind]]),
        [
          'faults injected: total',
          FAULT_KINDS.reduce((sum, kind: FaultKind) => sum + injector.injected[kind], 0),
        ],
        ...FAULT_TARGETS.map((target: FaultTarget): ReportRow => [
          `  ... at step ${target}`,
          injector.injectedAt[target],
        ]),
        ['cycles succeeded', tally.succeeded],
        ['cycles failed', tally.failed + tally.interrupted],
        ...[...tally.failureCodes].map(([code, count]): ReportRow => [`  ... with code ${code}`, count]),
        ['cycles recovered (success after failure)', tally.recovered],
        ['pruning skipped (listing incomplete)', tally.pruneSkipped],
        ['snapshots deleted past retention', tally.deletions],
        ['orphan snapshots (request timed out, API acted)', tally.orphanSnapshots],
        ['pages re-signed-in (sessions end over simulated days)', tally.resignIns],
        ['unhandled rejections', rejections.count()],
        ['wrong delete attempts', tally.wrongDeleteAttempts],
        ['wrong deletions (must be 0)', tally.wrongDeletions],
        ['invariant breaches', breaches.length],
      ];
      const details =
        breaches.length > 0 ? `\nInvariant breaches:\n${breaches.map((b) => `  ${b}`).join('\n')}` : '';
      publishReport(
        `fault-campaign-${SEED}.txt`,
        formatTable(`Fault campaign (seed ${SEED})`, rows) + details,
      );

      expect(breaches).toEqual([]);
      expect(tally.wrongDeletions).toBe(0);
      expect(tally.wrongDeleteAttempts).toBe(0);
      expect(rejections.count()).toBe(0);
      expect(cyclesRun).toBe(CYCLES);
      // Both listings must have been exercised: the wide fallback before the backfill, by label after it.
      if (CYCLES > BACKFILL_FROM_CYCLE + 5) expect(backfilledAtCycle).not.toBeNull();
      // The campaign must have really injected faults and seen both outcomes, or it proves nothing.
      if (CYCLES >= 20) {
        expect(FAULT_KINDS.reduce((sum, kind) => sum + injector.injected[kind], 0)).toBeGreaterThan(
          CYCLES / 2,
        );
        expect(tally.succeeded).toBeGreaterThan(0);
        expect(tally.failed + tally.interrupted).toBeGreaterThan(0);
      }
      expect(capturedLogLines.join('\n')).not.toContain(TOKEN);
    },
    CAMPAIGN_TIMEOUT_MS,
  );
});

function wholeNumber(raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1)
    throw new Error(`FAULT_CYCLES must be a whole number >= 1, not ${raw}`);
  return value;
}

/**
 * The client's timeout is real time; a hang would cost 30 s of it. Every client the panel builds gets a short
 * one instead. This reaches into HcloudClient's private `timeoutMs`, so it fails loudly should that change.
 */
function shortenClientTimeouts(panel: PanelHarness, timeoutMs: number): void {
  const connection = panel.get<HetznerConnectionService>(HetznerConnectionService);
  const build = connection.client.bind(connection);
  connection.client = async (opts) => {
    const client = await build(opts);
    const fields = client as unknown as { timeoutMs?: unknown };
    if (typeof fields.timeoutMs !== 'number')
      throw new Error(
        'HcloudClient no longer keeps `timeoutMs`: update shortenClientTimeouts in the fault campaign',
      );
    fields.timeoutMs = Math.min(fields.timeoutMs, timeoutMs);
    return client;
  };
}

async function applyPolicy(panel: PanelHarness, policy: OraclePolicy, frequency: string): Promise<void> {
  await changeSettings(panel, {
    scheduleEnabled: false, // cron must never fire in a test: the campaign calls the cycle itself
    frequency,
    retentionDays: policy.retentionDays,
    keepMin: policy.keepMin,
    retentionTiers: policy.tiers ? JSON.stringify(policy.tiers) : null,
  });
}

function randomPolicy(random: SeededRandom): OraclePolicy {
  return {
    retentionDays: random.pick([1, 2, 3, 7, 14, 30, 90]),
    keepMin: random.pick([1, 2, 3, 5, 10, 25]),
    tiers: random.chance(0.4)
      ? {
          hourly: random.pick([0, 6, 24]),
          daily: random.pick([0, 3, 7, 14]),
          weekly: random.pick([0, 2, 4, 8]),
          monthly: random.pick([0, 3, 6, 12]),
        }
      : null,
  };
}

/**
 * The account the campaign starts with: this server's automatic snapshots over 120 days, another server's
 * automatic snapshots (listed by the same label selector, so the listing always spans several pages), and
 * snapshots no rule may ever delete. Returns the ids of the latter.
 */
function seedAccount(world: SchedulerWorld, otherServerId: number, random: SeededRandom): number[] {
  const { fake, serverId } = world;
  const ago = (ms: number) => new Date(fake.now().getTime() - ms);
  const add = (input: Parameters<typeof fake.addImage>[0]) => fake.addImage(input);
  for (let i = 0; i < 130; i++)
    add({ serverId, labels: AUTO_LABELS, created: ago(random.int(0, 120 * DAY_MS)) });
  const never: FakeImageRecord[] = [];
  for (let i = 0; i < 110; i++)
    never.push(
      add({ serverId: otherServerId, labels: AUTO_LABELS, created: ago(random.int(0, 400 * DAY_MS)) }),
    );
  const old = () => ago(random.int(30 * DAY_MS, 400 * DAY_MS));
  for (let i = 0; i < 3; i++) {
    never.push(
      add({
        serverId,
        labels: { 'managed-by': 'snapshot-panel', 'snapshot-panel/kind': 'manual' },
        created: old(),
      }),
    );
    never.push(
      add({
        serverId,
        labels: { 'managed-by': 'snapshot-panel', 'snapshot-panel/kind': 'kept' },
        created: old(),
      }),
    );
    never.push(add({ serverId, labels: {}, description: 'made in the console', created: old() }));
    never.push(
      add({ serverId, labels: { ...AUTO_LABELS, 'snapshot-panel/kind': 'weekly' }, created: old() }),
    );
    never.push(add({ serverId, labels: AUTO_LABELS, protected: true, created: old() }));
    never.push(add({ serverId: null, labels: AUTO_LABELS, created: old() }));
    // The server label and created_from disagree: doubt keeps them, before and after the backfill.
    never.push(
      add({
        serverId: otherServerId,
        labels: { ...AUTO_LABELS, [SERVER_LABEL]: String(serverId) },
        created: old(),
      }),
    );
    never.push(
      add({ serverId, labels: { ...AUTO_LABELS, [SERVER_LABEL]: String(otherServerId) }, created: old() }),
    );
  }
  // Already labelled by a newer panel before the backfill ran: judged like the others.
  for (let i = 0; i < 10; i++)
    add({
      serverId,
      labels: { ...AUTO_LABELS, [SERVER_LABEL]: String(serverId) },
      created: ago(random.int(0, 120 * DAY_MS)),
    });
  never.push(add({ serverId, type: 'backup', labels: AUTO_LABELS, created: old() }));
  // Dated in the future by a skewed clock: kept until the campaign's time passes it.
  add({ serverId, labels: AUTO_LABELS, created: new Date(fake.now().getTime() + 3 * DAY_MS) });
  return never.map((image) => image.id);
}

function addOldAutoSnapshots(world: SchedulerWorld, random: SeededRandom): void {
  const count = random.int(1, 6);
  for (let i = 0; i < count; i++) {
    world.fake.addImage({
      serverId: world.serverId,
      labels: AUTO_LABELS,
      created: new Date(world.fake.now().getTime() - random.int(0, 200 * DAY_MS)),
      protected: random.chance(0.05),
    });
  }
}

/** How many pages the prune's label-selector listing has now (50 per page): by server label once backfilled. */
function listPages(
  images: FakeImageRecord[],
  serverId: number,
  otherServerId: number,
  backfilled: boolean,
): number {
  const listed = images.filter(
    (image) =>
      image.type === 'snapshot' &&
      image.labels['managed-by'] === 'snapshot-panel' &&
      image.labels['snapshot-panel/kind'] === 'auto' &&
      (backfilled
        ? image.labels[SERVER_LABEL] === String(serverId)
        : image.createdFrom?.id === serverId ||
          image.createdFrom?.id === otherServerId ||
          image.createdFrom === null),
  ).length;
  return Math.max(1, Math.ceil(listed / 50));
}

/** Breaches of "the backfill only adds this server's label to this server's own snapshots, dropping nothing". */
function labelChanges(
  before: Map<number, Record<string, string>>,
  after: FakeImageRecord[],
  serverId: number,
  cycleNo: number,
): string[] {
  const breaches: string[] = [];
  for (const image of after) {
    const was = before.get(image.id);
    if (!was || JSON.stringify(was) === JSON.stringify(image.labels)) continue;
    const expected = { ...was, [SERVER_LABEL]: String(serverId) };
    const ours = was['managed-by'] === 'snapshot-panel' && image.createdFrom?.id === serverId;
    const onlyAdded =
      was[SERVER_LABEL] === undefined &&
      Object.keys(expected).length === Object.keys(image.labels).length &&
      Object.entries(expected).every(([key, value]) => image.labels[key] === value);
    if (!ours || !onlyAdded)
      breaches.push(
        `cycle ${cycleNo}: labels of image ${image.id} changed from ${JSON.stringify(was)} to ${JSON.stringify(image.labels)}`,
      );
  }
  return breaches;
}

/** 0–3 faults on distinct steps of the coming cycle; sometimes a burst longer than the client's retries. */
function planFaults(random: SeededRandom, pages: number): FaultSpec[] {
  const roll = random.next();
  const count = roll < 0.2 ? 0 : roll < 0.6 ? 1 : roll < 0.88 ? 2 : 3;
  const targets = [...FAULT_TARGETS].sort(() => random.next() - 0.5).slice(0, count);
  return targets.map((target) => {
    const kinds = FAULT_KINDS.filter(
      (kind): kind is FaultSpec['kind'] =>
        kind !== 'action-error' && (kind !== 'locked-423' || target === 'create' || target === 'delete'),
    );
    const nth = {
      'get-server': 1,
      create: 1,
      poll: random.int(1, 6),
      'get-image': 1,
      'list-page': random.int(1, pages),
      delete: random.int(1, 3),
    }[target];
    return { kind: random.pick(kinds), target, nth, burst: random.chance(0.15) ? random.int(6, 8) : 1 };
  });
}

function failedCreateActions(actions: ReturnType<SchedulerWorld['fake']['actions']>) {
  return actions.filter((action) => action.command === 'create_image' && action.status === 'error');
}

/** The newest K available automatic snapshots of this server, from before or made during the cycle, are all still there. */
function newestKept(
  before: FakeImageRecord[],
  after: FakeImageRecord[],
  serverId: number,
  keepMin: number,
  now: Date,
  cycleNo: number,
): string[] {
  const afterIds = new Set(after.map((image) => image.id));
  const candidates = new Map<number, FakeImageRecord>();
  for (const image of [...before, ...after]) {
    // Protected and future-dated ones are never deleted anyway and do not count towards K.
    const counts =
      isAutomaticOf(image, serverId) &&
      image.status === 'available' &&
      !image.protection.delete &&
      image.created.getTime() <= now.getTime();
    if (counts) candidates.set(image.id, image);
  }
  const newest = [...candidates.values()]
    .sort((a, b) => b.created.getTime() - a.created.getTime() || b.id - a.id)
    .slice(0, keepMin);
  return newest
    .filter((image) => !afterIds.has(image.id))
    .map(
      (image) =>
        `cycle ${cycleNo}: image ${image.id}, one of the newest ${keepMin} automatic snapshots, is gone`,
    );
}

/** Waits until the fake has answered everything it will answer (hangs never are) and no request is coming. */
async function settle(fake: SchedulerWorld['fake'], injector: FaultInjector): Promise<void> {
  let seen = -1;
  for (let tick = 0; tick < 1_000; tick++) {
    const open = fake.requests.filter((request) => request.status === 0).length;
    if (open <= injector.hangs && fake.requests.length === seen) return;
    seen = fake.requests.length;
    await new Promise((resolve) => setTimeout(resolve, 15));
  }
  throw new Error('the fake kept receiving or holding requests for 15 s after the cycle ended');
}
