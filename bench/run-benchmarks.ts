// `npm run bench`: the figures of issue 6 against the fake Hetzner API. Prints a table and writes
// bench/results.json. See bench/README.md for what each figure means and how it is measured.
import 'reflect-metadata';
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { PROJECT_ROOT } from '../src/project-root';
import { BIN_NODE_ARGS, BUILT_CLI, startWorld } from './bench-panel';
import {
  BUDGET,
  FleetSummary,
  largestFleet,
  measureFleetCosts,
  SNAPSHOTS_PER_SERVER,
  WideModel,
  wideModelOf,
} from './fleet.bench';
import { DependencyCost, measureDependencyCost, MemoryOverCycles, serveWorldOverIpc } from './memory.bench';
import { measurePageLatency, PageLatency, PageScenario } from './page-latency.bench';
import { CycleRequests, measureCycleRequests } from './requests-per-cycle.bench';
import { measureStartup, StartupTimes } from './startup.bench';

const HEADLINE_ACTION_SECONDS = 60;
/** A 40 GB disk takes minutes: the fleet is sized for these. */
const FLEET_ACTION_SECONDS = [300, 600];
/** Other servers in the project, each keeping an hourly schedule for 7 days. */
const FLEET_OTHER_SERVERS = [1, 20, 100, 500];
const FLEET_SIZED_FOR_SECONDS = 300;
const PAGE_CASES: { snapshots: number; scenario: PageScenario }[] = [
  { snapshots: 10, scenario: 'own' },
  { snapshots: 1_000, scenario: 'own' },
  { snapshots: 5_000, scenario: 'own' },
  { snapshots: 5_000, scenario: 'fleet' },
];
const MEMORY_CYCLES = 1_000;
/** The headline first: the panel alone in its process, as `serve` runs; then the unit's allocator setting, then the earlier way. */
const MEMORY_VARIANTS: { variant: string; fake: 'parent' | 'here'; env: Record<string, string> }[] = [
  { variant: 'panel alone (fake in another process)', fake: 'parent', env: {} },
  { variant: '+ MALLOC_ARENA_MAX=2 (systemd unit)', fake: 'parent', env: { MALLOC_ARENA_MAX: '2' } },
  { variant: 'fake in the same process (earlier way)', fake: 'here', env: {} },
];
const RESULTS_FILE = path.join(PROJECT_ROOT, 'bench', 'results.json');

interface Results {
  generatedAt: string;
  environment: Record<string, string | number>;
  requestsPerCycle: CycleRequests[];
  fleet: FleetSummary;
  pageLatency: PageLatency[];
  memory: { overCycles: MemoryOverCycles[]; idleServerRssMb: number | null; dependencies: DependencyCost[] };
  startup: StartupTimes;
  secondsTaken: number;
}

async function main(): Promise<void> {
  if (!fs.existsSync(BUILT_CLI))
    throw new Error('dist/cli.js is missing: run `npm run build` first (npm run bench does).');
  const started = performance.now();
  const step = (text: string) => process.stderr.write(`bench: ${text}\n`);

  step('requests per cycle');
  const requestsPerCycle: CycleRequests[] = [];
  for (const seconds of [HEADLINE_ACTION_SECONDS, ...FLEET_ACTION_SECONDS]) {
    requestsPerCycle.push(await measureCycleRequests(seconds * 1000));
  }

  step('fleet: a project of N other servers');
  const costs = [];
  let wideModel: WideModel | null = null;
  for (const others of FLEET_OTHER_SERVERS) {
    step(`  ${others} other servers`);
    const measured = await measureFleetCosts(others, FLEET_SIZED_FOR_SECONDS * 1000, wideModel);
    wideModel ??= wideModelOf(measured);
    costs.push(measured);
  }
  const fleet: FleetSummary = {
    budgetPerHour: BUDGET,
    snapshotsPerServer: SNAPSHOTS_PER_SERVER,
    actionSeconds: FLEET_SIZED_FOR_SECONDS,
    costs,
    largestFleet: largestFleet(costs, wideModel as WideModel),
  };

  step('start-up time');
  const startupWorld = await startWorld({ actionDurationMs: 60_000 });
  const startup = await measureStartup(startupWorld).finally(() => startupWorld.fake.close());

  const pageLatency: PageLatency[] = [];
  for (const { snapshots, scenario } of PAGE_CASES) {
    step(`snapshots page with ${snapshots} snapshots (${scenario})`);
    pageLatency.push(await measurePageLatency(snapshots, scenario));
  }

  const overCycles: MemoryOverCycles[] = [];
  for (const variant of MEMORY_VARIANTS) {
    step(`memory over ${MEMORY_CYCLES} cycles, a process of its own: ${variant.variant}`);
    overCycles.push(await memoryOverCyclesInChild(MEMORY_CYCLES, variant));
  }
  const memory = {
    overCycles,
    idleServerRssMb: startup.idleRssMb,
    dependencies: measureDependencyCost(PROJECT_ROOT),
  };

  const results: Results = {
    generatedAt: new Date().toISOString(),
    environment: environment(),
    requestsPerCycle,
    fleet,
    pageLatency,
    memory,
    startup,
    secondsTaken: Math.round((performance.now() - started) / 1000),
  };
  fs.writeFileSync(RESULTS_FILE, `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`${report(results)}\nWritten to ${path.relative(process.cwd(), RESULTS_FILE)}\n`);
}

/** The cycles in a fresh `node --expose-gc` tuned like `serve`, so earlier benchmarks do not count. */
async function memoryOverCyclesInChild(
  cycles: number,
  how: (typeof MEMORY_VARIANTS)[number],
): Promise<MemoryOverCycles> {
  const world = how.fake === 'parent' ? await startWorld({ actionDurationMs: 60_000 }) : null;
  try {
    const child = spawn(
      process.execPath,
      [
        ...BIN_NODE_ARGS,
        '--expose-gc',
        path.join(PROJECT_ROOT, 'dist', 'bench', 'memory-cycles.child.js'),
        String(cycles),
        how.fake,
      ],
      {
        cwd: PROJECT_ROOT,
        env: {
          ...process.env,
          ...how.env,
          BENCH_VARIANT: how.variant,
          ...(world ? { BENCH_WORLD: JSON.stringify(world.env) } : {}),
        },
        stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
      },
    );
    if (world) serveWorldOverIpc(child, world.fake);
    let out = '';
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (chunk: string) => (out += chunk));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    if (code !== 0) throw new Error(`the memory benchmark (${how.variant}) exited with ${code}`);
    return JSON.parse(out) as MemoryOverCycles;
  } finally {
    await world?.fake.close();
  }
}

function environment(): Record<string, string | number> {
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
      cwd: PROJECT_ROOT,
      encoding: 'utf8',
    }).trim();
  } catch {
    // Not a git checkout (an installed package): the figures still stand.
  }
  return {
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    loadAverage1m: Math.round(os.loadavg()[0] * 100) / 100,
    commit,
  };
}

type Row = (string | number)[];

function table(title: string, head: string[], rows: Row[]): string {
  const cells = [head, ...rows].map((row) => row.map(String));
  const widths = head.map((_, column) => Math.max(...cells.map((row) => row[column].length)));
  const line = (row: string[]) =>
    `| ${row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]))).join(' | ')} |`;
  const rule = `|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`;
  return [`\n${title}`, line(cells[0]), rule, ...cells.slice(1).map(line)].join('\n');
}

function report(results: Results): string {
  const parts: string[] = [];
  const cycleRows = results.requestsPerCycle.flatMap((r): Row[] => [
    [
      `${r.actionSeconds} s action: Snapshot Panel (measured)`,
      r.panel.total,
      r.panel.polls,
      `server ${r.panel.getServer}, create ${r.panel.create}, confirm ${r.panel.getImage}, list ${r.panel.listPages}, delete ${r.panel.deletes}`,
    ],
    [
      `${r.actionSeconds} s action: Snapshot Panel, learned (measured)`,
      r.learned.total,
      r.learned.polls,
      `after the label backfill and 2 cycles; list ${r.learned.listPages}, nothing to delete`,
    ],
    [`${r.actionSeconds} s action: minimum possible`, r.minimum, 1, 'create, one poll, list, deletes'],
    ...r.sdk.map((s): Row => [
      `${r.actionSeconds} s action: SDK polling every ${s.intervalMs / 1000} s`,
      s.cycleTotal,
      s.polls,
      'same cycle, fixed polling',
    ]),
  ]);
  parts.push(
    table(
      'Hetzner requests per automatic cycle (simulated time, 29 snapshots, 1 past retention)',
      ['cycle', 'requests', 'polls', 'made of'],
      cycleRows,
    ),
  );
  const f = results.fleet;
  parts.push(
    table(
      `Fleet: requests one server's panel spends in a project of N other servers, each keeping ${f.snapshotsPerServer} hourly snapshots (${f.actionSeconds / 60}-minute snapshots, the snapshots page open)`,
      [
        'other servers',
        'snapshots in project',
        'per cycle',
        'per refresh',
        'page views / refreshes per cycle',
        'per hour, page open',
        'wide: per cycle',
        'wide: per refresh',
        'wide: per hour, page open',
      ],
      f.costs.map((c): Row => [
        c.otherServers,
        c.snapshotsInProject,
        c.byLabel.perCycle,
        c.byLabel.perRefresh,
        `${c.byLabel.pageViewsPerCycle} / ${c.byLabel.refreshesPerCycle}`,
        c.byLabel.perHour,
        `${c.wide.perCycle}${c.wide.measured ? '' : ' (counted)'}`,
        `${c.wide.perRefresh}${c.wide.measured ? '' : ' (counted)'}`,
        c.wide.perHour,
      ]),
    ),
  );
  parts.push(
    `Largest fleet in ${f.budgetPerHour} requests/hour, every schedule on the same minute: with the snapshots page open on every server ${f.largestFleet.byLabel} servers listing by label, ${f.largestFleet.wide} with the old wide listing; with no page open ${f.largestFleet.byLabelPageClosed} by label, ${f.largestFleet.widePageClosed} wide.`,
  );
  parts.push(
    table(
      'Snapshots page, signed in, real HTTP on 127.0.0.1 (ms)',
      [
        'snapshots in project',
        "this server's",
        'rows shown',
        'warm p50',
        'warm p95',
        'Hetzner requests, all warm views',
        'cold p50',
        'cold p95',
        'Hetzner requests per cold view',
      ],
      results.pageLatency.map((p): Row => [
        p.snapshots,
        p.ownSnapshots,
        p.rowsShown,
        p.warm.p50Ms,
        p.warm.p95Ms,
        p.warm.hetznerRequests,
        p.cold.p50Ms,
        p.cold.p95Ms,
        p.cold.hetznerRequestsPerView,
      ]),
    ),
  );
  const m = results.memory;
  parts.push(
    table(
      'Memory of serve, idle (MB)',
      ['variant', 'VmRSS'],
      results.startup.idleRss.map((v): Row => [v.variant, v.rssMb ?? 'n/a']),
    ),
  );
  const runs = m.overCycles;
  const cycles = runs[0]?.cycles ?? 0;
  const each = (value: (run: MemoryOverCycles) => string | number | null): Row =>
    runs.map((run) => value(run) ?? 'n/a');
  parts.push(
    table(
      `Memory over ${cycles} cycles, each variant in a process of its own (MB, after the panel's memory-reducing collection and a full GC: ${runs.every((r) => r.gcAvailable) ? 'yes' : 'no'})`,
      ['measure', ...runs.map((r) => r.variant)],
      [
        ['before: RSS / heap used', ...each((r) => `${r.baseline.rssMb} / ${r.baseline.heapUsedMb}`)],
        [
          `after ${cycles} cycles: RSS / heap used`,
          ...each((r) => `${r.after.rssMb} / ${r.after.heapUsedMb}`),
        ],
        ['growth: RSS / heap used', ...each((r) => `${r.growth.rssMb} / ${r.growth.heapUsedMb}`)],
        ['  RSS growth from cycle 100 to the end', ...each((r) => r.afterCycle100.rssMb)],
        ['  heap growth from cycle 100 to the end', ...each((r) => r.heapGrowthAfterCycle100Mb)],
        ['    of it compiled code and bytecode (V8 code spaces)', ...each((r) => r.afterCycle100.codeMb)],
        ['    of it everything else (data)', ...each((r) => r.afterCycle100.dataMb)],
        [`  the fake's own heap growth for ${cycles} snapshots`, ...each((r) => r.fakeOwnHeapGrowthMb)],
        ['cycles failed', ...each((r) => r.failedCycles)],
        ['real time for the cycles (s)', ...each((r) => r.secondsTaken)],
      ],
    ),
  );
  for (const run of runs) {
    parts.push(
      table(
        `Every 100 cycles: ${run.variant} (MB)`,
        ['cycle', 'RSS', 'anonymous', 'heap total', 'heap used', 'of it code'],
        run.trend.map((t): Row => [
          t.cycle,
          t.rssMb,
          t.anonymousMb ?? 'n/a',
          t.heapTotalMb,
          t.heapUsedMb,
          t.codeMb,
        ]),
      ),
    );
  }
  parts.push(
    table(
      'What serve loads, one group after another in a bare node (MB, after full GC)',
      ['loaded so far', 'RSS', 'added RSS', 'heap used'],
      m.dependencies.map((d): Row => [d.step, d.rssMb, d.addedRssMb, d.heapUsedMb]),
    ),
  );
  const s = results.startup;
  parts.push(
    table(
      `Start to first page answered (ms, ${s.samples} runs)`,
      ['start', 'p50', 'max'],
      [
        ['new data folder (creates and migrates the database)', s.firstStartMs.p50, s.firstStartMs.max],
        ['restart on an existing data folder', s.restartMs.p50, s.restartMs.max],
      ],
    ),
  );
  parts.push(
    `\nTook ${results.secondsTaken} s on ${results.environment.cores} × ${results.environment.cpu}, Node ${results.environment.node}.`,
  );
  return parts.join('\n');
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
