// Turns cycle runs into what the history page shows: labels, badges, times in the server's time zone,
// durations, what was deleted and why, and the hooks' outcome.
import { Inject, Injectable } from '@nestjs/common';
import {
  HETZNER_SNAPSHOTS_OPTIONS,
  HetznerSnapshotsModuleOptions,
  pagePath,
} from '../hetzner-snapshots.options';
import { AuditService } from '../audit/audit.service';
import { LABEL_BACKFILL_AUDIT_ACTION } from '../labels/label-backfill.service';
import { SERVER_LABEL } from '../labels/snapshot-labels';
import { CycleRun, CycleRunStatus, CycleRunTrigger } from './cycle-run.entity';
import { CycleRunStore, readDeleted, readHooks } from './cycle-run.store';
import { formatElapsed } from '../time/duration.format';
import { formatPanelTime } from '../time/panel-time.format';
import { SchedulerOverview, SchedulerStatusService } from './scheduler-status.service';
import type { HookOutcome } from './snapshot-hook.runner';

export const HISTORY_PAGE_SIZE = 20;

const STATUS: Record<CycleRunStatus, { label: string; badge: string }> = {
  succeeded: { label: 'Succeeded', badge: 'ok' },
  failed: { label: 'Failed', badge: 'danger' },
  interrupted: { label: 'Interrupted', badge: 'warn' },
  running: { label: 'Running', badge: 'info' },
};

const TRIGGER: Record<CycleRunTrigger, string> = {
  schedule: 'Scheduled',
  'catch-up': 'Catch-up after downtime',
  cli: 'Command line',
  page: 'From the panel',
  resume: 'Resumed after a restart',
  prune: 'Prune only',
};

const PHASE: Record<string, string> = {
  creating: 'starting the snapshot',
  waiting: 'waiting for Hetzner to finish the snapshot',
  pruning: 'deleting snapshots past retention',
  done: 'done',
};

export interface HookView {
  name: string;
  ok: boolean;
  badge: string;
  summary: string;
  output: string;
}

export interface RunView {
  id: number;
  statusLabel: string;
  badge: string;
  running: boolean;
  phaseText: string;
  trigger: string;
  started: string;
  finished: string;
  duration: string;
  imageId: number | null;
  actionId: number | null;
  requestCount: number;
  deleted: { id: number; description: string; created: string; reason: string }[];
  pruneNote: string | null;
  error: string | null;
  errorCode: string | null;
  hooks: HookView[];
}

export function presentRun(run: CycleRun, timeZone: string, now: Date): RunView {
  const status = STATUS[run.status] ?? { label: run.status, badge: 'muted' };
  const hooks = readHooks(run);
  const end = run.finishedAt ?? (run.status === 'running' ? now : null);
  return {
    id: run.id,
    statusLabel: status.label,
    badge: status.badge,
    running: run.status === 'running',
    phaseText: PHASE[run.phase] ?? run.phase,
    trigger: TRIGGER[run.trigger] ?? run.trigger,
    started: formatPanelTime(run.startedAt, timeZone),
    finished: run.finishedAt ? formatPanelTime(run.finishedAt, timeZone) : '—',
    duration: end
      ? `${formatElapsed(end.getTime() - run.startedAt.getTime())}${run.finishedAt ? '' : ' so far'}`
      : '—',
    imageId: run.imageId,
    actionId: run.actionId,
    requestCount: run.requestCount,
    deleted: readDeleted(run).map((d) => ({
      id: d.id,
      description: d.description || `snapshot ${d.id}`,
      created: d.created ? formatPanelTime(new Date(d.created), timeZone) : 'unknown',
      reason: d.reason,
    })),
    pruneNote: run.pruneNote,
    error: run.errorMessage,
    // Hetzner's messages often name the code already; saying it twice reads like a stutter.
    errorCode: run.errorCode && !(run.errorMessage ?? '').includes(run.errorCode) ? run.errorCode : null,
    hooks: (['pre', 'post'] as const).flatMap((phase) =>
      hooks[phase] ? [presentHook(phase, hooks[phase] as HookOutcome)] : [],
    ),
  };
}

function presentHook(phase: 'pre' | 'post', outcome: HookOutcome): HookView {
  let summary: string;
  if (outcome.timedOut) summary = `timed out after ${formatElapsed(outcome.durationMs)}`;
  else if (outcome.error) summary = `could not start: ${outcome.error}`;
  else if (outcome.signal) summary = `ended by ${outcome.signal}`;
  else summary = `exit status ${outcome.exitCode} in ${formatElapsed(outcome.durationMs)}`;
  return {
    name: phase === 'pre' ? 'Pre-snapshot command' : 'Post-snapshot command',
    ok: outcome.ok,
    badge: outcome.ok ? 'ok' : 'danger',
    summary,
    output: outcome.output,
  };
}

/** How many cycles the strip draws, and how far back its rates reach. */
export const STRIP_RUNS = 30;
const STRIP_DAYS = 30;
const DAY_MS = 86_400_000;
/** Enough rows for 30 days of hourly cycles (the finest schedule), with room for retries and CLI runs. */
const STRIP_FETCH = 1_000;

export interface StripBarView {
  id: number;
  href: string;
  outcome: CycleRunStatus;
  /** Height in twentieths of the tallest (class h-0 … h-20); a running cycle is drawn full height, dashed. */
  level: number;
  label: string;
}

export interface HistoryStripView {
  /** Oldest first, so time runs left to right. */
  bars: StripBarView[];
  successRateText: string;
  medianDurationText: string;
  medianRequestsText: string;
  caption: string;
}

/**
 * The history strip: the last 30 cycles as bars (height = duration, class = outcome) and the success rate,
 * median duration and median requests over 30 days. Pure; `runs` newest first, as the store lists them.
 */
export function presentHistoryStrip(input: {
  runs: CycleRun[];
  now: Date;
  timeZone: string;
  historyPath: string;
  pageSize: number;
}): HistoryStripView | null {
  const { runs, now, timeZone } = input;
  if (runs.length === 0) return null;
  const durationOf = (run: CycleRun) =>
    (run.finishedAt ?? (run.status === 'running' ? now : run.startedAt)).getTime() - run.startedAt.getTime();
  const recent = runs.slice(0, STRIP_RUNS);
  // A running cycle is drawn full height (dashed) and does not set the scale: it has not ended.
  const longest = Math.max(1, ...recent.filter((run) => run.status !== 'running').map(durationOf));
  const bars = recent
    .map((run, index): StripBarView => {
      const status = STATUS[run.status] ?? { label: run.status, badge: 'muted' };
      const ms = durationOf(run);
      const page = Math.floor(index / input.pageSize) + 1;
      return {
        id: run.id,
        href: `${input.historyPath}${page > 1 ? `?page=${page}` : ''}#run-${run.id}`,
        outcome: run.status,
        level: run.status === 'running' ? 20 : Math.min(20, Math.max(1, Math.round((ms / longest) * 20))),
        label: `Cycle #${run.id}, ${formatPanelTime(run.startedAt, timeZone)}: ${status.label.toLowerCase()}${run.status === 'running' ? ' now' : `, ${formatElapsed(ms)}`}, ${run.requestCount} ${run.requestCount === 1 ? 'request' : 'requests'}`,
      };
    })
    .reverse();
  const since = now.getTime() - STRIP_DAYS * DAY_MS;
  const finished = runs.filter((run) => run.status !== 'running' && run.startedAt.getTime() >= since);
  const succeeded = finished.filter((run) => run.status === 'succeeded').length;
  const rate = finished.length === 0 ? null : Math.round((succeeded / finished.length) * 1000) / 10;
  const medianMs = median(finished.map(durationOf));
  const medianRequests = median(finished.map((run) => run.requestCount));
  return {
    bars,
    successRateText: rate === null ? '—' : `${rate}%`,
    medianDurationText: medianMs === null ? '—' : formatElapsed(medianMs),
    medianRequestsText: medianRequests === null ? '—' : String(Math.round(medianRequests * 10) / 10),
    caption:
      finished.length === 0
        ? `The last ${bars.length === 1 ? 'cycle' : `${bars.length} cycles`}; none finished in the last ${STRIP_DAYS} days.`
        : `The last ${bars.length === 1 ? 'cycle' : `${bars.length} cycles`}, oldest on the left; bar height is the duration. In the last ${STRIP_DAYS} days ${succeeded} of ${finished.length} finished cycles succeeded.`,
  };
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export interface HistoryPageView {
  strip: HistoryStripView | null;
  overview: SchedulerOverview;
  nextRuns: string[];
  lastSuccess: string | null;
  lastSuccessImageId: number | null;
  runs: RunView[];
  page: number;
  totalPages: number;
  total: number;
  prevHref: string | null;
  nextHref: string | null;
  settingsHref: string;
  /** Reload while a run is under way, so its progress shows without a click. */
  refreshSeconds: number | null;
  /** What the one-time server-label backfill did, once it has completed. */
  labelBackfill: string | null;
}

@Injectable()
export class HistoryPresenter {
  constructor(
    @Inject(HETZNER_SNAPSHOTS_OPTIONS) private readonly options: HetznerSnapshotsModuleOptions,
    private readonly store: CycleRunStore,
    private readonly status: SchedulerStatusService,
    private readonly audit: AuditService,
  ) {}

  async page(requested: number, now: Date): Promise<HistoryPageView> {
    const overview = await this.status.overview();
    const tz = overview.timeZone;
    let { runs, total } = await this.store.page(requested, HISTORY_PAGE_SIZE);
    const totalPages = Math.max(1, Math.ceil(total / HISTORY_PAGE_SIZE));
    let page = requested;
    // A page past the end (an old bookmark) shows the last one rather than an empty table.
    if (page > totalPages) {
      page = totalPages;
      ({ runs, total } = await this.store.page(page, HISTORY_PAGE_SIZE));
    }
    const here = pagePath(this.options.routePrefix, '/history');
    return {
      strip: presentHistoryStrip({
        runs: await this.store.recentOutcomes(STRIP_FETCH),
        now,
        timeZone: tz,
        historyPath: here,
        pageSize: HISTORY_PAGE_SIZE,
      }),
      overview,
      nextRuns: overview.nextRuns.map((date) => formatPanelTime(date, tz)),
      lastSuccess: overview.lastSuccess?.finishedAt
        ? formatPanelTime(overview.lastSuccess.finishedAt, tz)
        : null,
      lastSuccessImageId: overview.lastSuccess?.imageId ?? null,
      runs: runs.map((run) => presentRun(run, tz, now)),
      page,
      totalPages,
      total,
      prevHref: page > 1 ? `${here}?page=${page - 1}` : null,
      nextHref: page < totalPages ? `${here}?page=${page + 1}` : null,
      settingsHref: pagePath(this.options.routePrefix, '/settings'),
      refreshSeconds: overview.running ? 15 : null,
      labelBackfill: await this.labelBackfillLine(tz),
    };
  }

  private async labelBackfillLine(timeZone: string): Promise<string | null> {
    const [entry] = await this.audit.recent(1, LABEL_BACKFILL_AUDIT_ACTION);
    if (!entry) return null;
    const count = entry.changes.find((change) => change.field === 'serverLabel')?.to ?? 'the snapshots';
    return `On ${formatPanelTime(entry.at, timeZone)} the panel added the ${SERVER_LABEL} label to ${count} it had made of this server before that label existed (only labels changed).`;
  }
}
