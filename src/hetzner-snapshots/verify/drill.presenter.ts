// A drill record in words, for the pages and the CLI: one home for "how a drill is described".
import { formatStamp } from '../time/panel-time.format';
import { formatMoney } from './drill.rules';
import type { DrillRun } from './drill-run.entity';
import type { DrillRunStore } from './drill-run.store';

export interface DrillView {
  id: number;
  imageId: number;
  status: DrillRun['status'];
  passed: boolean;
  failed: boolean;
  running: boolean;
  statusText: string;
  startedText: string;
  trigger: string;
  serverType: string;
  location: string;
  drillServerId: number | null;
  bootText: string;
  portText: string;
  estimatedCostText: string;
  costText: string;
  error: string | null;
  stepText: string;
}

const STEP_TEXT: Record<DrillRun['step'], string> = {
  creating: 'creating the temporary server',
  booting: 'waiting until the temporary server runs',
  checking: 'checking the server',
  deleting: 'deleting the temporary server',
  done: 'finished',
};

export function presentDrill(run: DrillRun, timeZone: string): DrillView {
  return {
    id: run.id,
    imageId: run.imageId,
    status: run.status,
    passed: run.status === 'passed',
    failed: run.status === 'failed',
    running: run.status === 'running',
    statusText: run.status === 'passed' ? 'passed' : run.status === 'failed' ? 'FAILED' : 'running',
    startedText: formatStamp(run.startedAt, timeZone),
    trigger: run.trigger === 'schedule' ? 'scheduled' : `by ${run.actor}`,
    serverType: run.serverType,
    location: run.location,
    drillServerId: run.drillServerId,
    bootText: run.bootSeconds !== null ? `running after ${run.bootSeconds} s` : 'did not reach running',
    portText:
      run.port === null
        ? 'not checked'
        : run.portResult === null
          ? `port ${run.port}: not reached`
          : `port ${run.port}: ${run.portResult}`,
    estimatedCostText: formatMoney(run.estimatedCost, run.currency),
    costText: run.cost === null ? 'not known yet' : formatMoney(run.cost, run.currency),
    error: run.errorMessage,
    stepText: STEP_TEXT[run.step],
  };
}

export function drillAsJson(run: DrillRun) {
  return {
    id: run.id,
    snapshot_id: run.imageId,
    status: run.status,
    trigger: run.trigger,
    server_type: run.serverType,
    location: run.location,
    drill_server_id: run.drillServerId,
    started_at: run.startedAt.toISOString(),
    running_at: run.runningAt?.toISOString() ?? null,
    boot_seconds: run.bootSeconds,
    port: run.port,
    port_result: run.portResult,
    server_deleted_at: run.serverDeletedAt?.toISOString() ?? null,
    finished_at: run.finishedAt?.toISOString() ?? null,
    estimated_cost: run.estimatedCost,
    cost: run.cost,
    currency: run.currency,
    requests: run.requestCount,
    error: run.errorMessage,
  };
}

/** "Last verified" per snapshot and overall, for the snapshots page. */
export async function presentVerification(opts: {
  store: Pick<DrillRunStore, 'latestPerImage' | 'latestPassed' | 'latestFinished'>;
  imageIds: number[];
  timeZone: string;
  drillsHref: string;
}): Promise<{
  overallText: string;
  drillsHref: string;
  perImage: Record<number, { status: string; text: string }>;
}> {
  const [perImage, passed, finished] = await Promise.all([
    opts.store.latestPerImage(opts.imageIds),
    opts.store.latestPassed(),
    opts.store.latestFinished(),
  ]);
  const rows: Record<number, { status: string; text: string }> = {};
  for (const [id, run] of perImage) {
    rows[id] =
      run.status === 'passed'
        ? { status: 'passed', text: `verified ${formatStamp(run.startedAt, opts.timeZone)}` }
        : { status: 'failed', text: `drill FAILED ${formatStamp(run.startedAt, opts.timeZone)}` };
  }
  const overallText = passed
    ? `Last verified: snapshot ${passed.imageId} booted on ${formatStamp(passed.startedAt, opts.timeZone)} (running after ${passed.bootSeconds} s).${finished && finished.status === 'failed' ? ` The newest drill FAILED: ${finished.errorMessage ?? ''}` : ''}`
    : finished
      ? `No snapshot verified yet; the last drill FAILED: ${finished.errorMessage ?? ''}`
      : 'No snapshot verified yet: a snapshot nobody has restored is a hope. Use “Verify…” on a snapshot to boot a temporary server from it.';
  return { overallText, drillsHref: opts.drillsHref, perImage: rows };
}
