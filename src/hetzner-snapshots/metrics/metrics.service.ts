// Owns the Prometheus registry of this process (prom-client, one registry per application, never the
// global default): gauges read from the database at scrape time (last success, next run, own snapshots,
// outcome counts, delivery failures), and counters fed by this process's events (Hetzner requests, drills,
// cycle durations). The host serves it on /metrics only with METRICS_TOKEN (see metrics.controller).
import { Injectable, OnModuleInit } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { Counter, Gauge, Histogram, Registry } from './prom-client-parts';
import { HetznerConnectionService } from '../connection/hetzner-connection.service';
import type { HcloudClient } from '../hcloud';
import {
  CYCLE_FINISHED_EVENT,
  CycleFinishedEvent,
  DRILL_FAILED_EVENT,
  DRILL_PASSED_EVENT,
} from '../notifications/notification.events';
import { NotificationStore } from '../notifications/notification.store';
import { snapshotOrigin } from '../labels/snapshot-labels';
import { CycleRunStore } from '../cycle/cycle-run.store';
import { SchedulerStatusService } from '../cycle/scheduler-status.service';
import { SnapshotListStore } from '../snapshot-list/snapshot-list.store';
import { endpointClass, statusClass } from './metrics.rules';

/** prom-client calls `collect` with the metric as `this`; this hands it over as an argument instead. */
function reading<M>(read: (metric: M) => Promise<void> | void): (this: M) => Promise<void> | void {
  return function (this: M) {
    return read(this);
  };
}

/** Hetzner reports image_size in GB; the metric is in bytes. */
const GB = 1e9;

@Injectable()
export class MetricsService implements OnModuleInit {
  private readonly registry = new Registry();
  /** The cached listing as counted for the scrape under way: two gauges read it, the cache is read once. */
  private scrapeSnapshots: Promise<Map<string, { count: number; bytes: number }>> | null = null;
  private latestClient: WeakRef<HcloudClient> | null = null;
  private readonly requests: Counter<'endpoint' | 'status'>;
  private readonly drills: Counter<'result'>;
  private readonly cycleDuration: Histogram<'kind' | 'status'>;

  constructor(
    private readonly connection: HetznerConnectionService,
    private readonly runs: CycleRunStore,
    private readonly status: SchedulerStatusService,
    private readonly snapshots: SnapshotListStore,
    private readonly notifications: NotificationStore,
  ) {
    const registers = [this.registry];
    this.requests = new Counter({
      name: 'snapshot_panel_hetzner_requests_total',
      help: 'Hetzner Cloud API requests this process sent, by endpoint class and status class (retries included).',
      labelNames: ['endpoint', 'status'],
      registers,
    });
    this.drills = new Counter({
      name: 'snapshot_panel_drills_total',
      help: 'Restore drills finished in this process, by result (passed, failed).',
      labelNames: ['result'],
      registers,
    });
    this.cycleDuration = new Histogram({
      name: 'snapshot_panel_cycle_duration_seconds',
      help: 'Duration of the cycles and prunes this process ran, from start to finish.',
      labelNames: ['kind', 'status'],
      buckets: [10, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200],
      registers,
    });
    this.defineDatabaseGauges(registers);
  }

  onModuleInit(): void {
    this.connection.observeRequests((e, client) => {
      this.requests.inc({ endpoint: endpointClass(e.path), status: statusClass(e.status) });
      this.latestClient = new WeakRef(client);
    });
  }

  @OnEvent(CYCLE_FINISHED_EVENT)
  onCycleFinished(e: CycleFinishedEvent): void {
    const end = e.run.finishedAt ?? e.run.startedAt;
    this.cycleDuration.observe(
      { kind: e.run.trigger === 'prune' ? 'prune' : 'cycle', status: e.run.status },
      Math.max(0, (end.getTime() - e.run.startedAt.getTime()) / 1000),
    );
  }

  @OnEvent(DRILL_PASSED_EVENT)
  onDrillPassed(): void {
    this.drills.inc({ result: 'passed' });
  }

  @OnEvent(DRILL_FAILED_EVENT)
  onDrillFailed(): void {
    this.drills.inc({ result: 'failed' });
  }

  async render(): Promise<{ contentType: string; body: string }> {
    this.scrapeSnapshots = null;
    try {
      return { contentType: this.registry.contentType, body: await this.registry.metrics() };
    } finally {
      this.scrapeSnapshots = null;
    }
  }

  private defineDatabaseGauges(registers: Registry[]): void {
    new Gauge({
      name: 'snapshot_panel_last_success_timestamp_seconds',
      help: 'When the last automatic snapshot cycle succeeded (Unix time); 0 before the first.',
      registers,
      collect: reading(async (m: Gauge) => {
        const last = await this.runs.lastSuccess();
        m.set(last?.finishedAt ? last.finishedAt.getTime() / 1000 : 0);
      }),
    });
    new Gauge({
      name: 'snapshot_panel_next_run_timestamp_seconds',
      help: 'When the schedule runs next (Unix time); 0 while automatic snapshots are paused.',
      registers,
      collect: reading(async (m: Gauge) => {
        const overview = await this.status.overview();
        m.set(overview.nextRuns[0] ? overview.nextRuns[0].getTime() / 1000 : 0);
      }),
    });
    new Gauge({
      name: 'snapshot_panel_schedule_period_seconds',
      help: 'The longest gap the schedule allows between two runs; 0 when off or unreadable.',
      registers,
      collect: reading(async (m: Gauge) => {
        const plan = await this.status.schedulePlan({ spread: false });
        m.set(plan.enabled && plan.periodMs ? plan.periodMs / 1000 : 0);
      }),
    });
    new Counter({
      name: 'snapshot_panel_cycles_total',
      help: 'Finished cycles and prunes recorded in the database, by kind, status and error code (empty when none).',
      labelNames: ['kind', 'status', 'code'],
      registers,
      collect: reading(async (m: Counter<'kind' | 'status' | 'code'>) => {
        m.reset();
        for (const r of await this.runs.outcomeCounts())
          m.inc({ kind: r.kind, status: r.status, code: r.code }, r.count);
      }),
    });
    new Gauge({
      name: 'snapshot_panel_snapshots',
      help: "The panel's own snapshots of this server in the last listing, by kind (auto, manual, kept).",
      labelNames: ['kind'],
      registers,
      collect: reading(async (m: Gauge<'kind'>) => {
        m.reset();
        for (const [kind, v] of await this.ownSnapshotsOfScrape()) m.set({ kind }, v.count);
      }),
    });
    new Gauge({
      name: 'snapshot_panel_snapshot_bytes',
      help: "Size of the panel's own snapshots of this server in the last listing, by kind (Hetzner's image_size).",
      labelNames: ['kind'],
      registers,
      collect: reading(async (m: Gauge<'kind'>) => {
        m.reset();
        for (const [kind, v] of await this.ownSnapshotsOfScrape()) m.set({ kind }, v.bytes);
      }),
    });
    for (const [header, field] of [
      ['Remaining', 'remaining'],
      ['Limit', 'limit'],
    ] as const)
      new Gauge({
        name: `snapshot_panel_hetzner_ratelimit_${field}`,
        help: `RateLimit-${header} of the last Hetzner answer this process got; absent before the first.`,
        registers,
        collect: reading((m: Gauge) => {
          m.reset();
          const limit = this.latestClient?.deref()?.lastRateLimit;
          if (limit) m.set(limit[field]);
        }),
      });
    new Counter({
      name: 'snapshot_panel_notification_delivery_failures_total',
      help: 'Failed notification delivery attempts recorded in the database, by channel.',
      labelNames: ['channel_id', 'channel'],
      registers,
      collect: reading(async (m: Counter<'channel_id' | 'channel'>) => {
        m.reset();
        for (const r of await this.notifications.failedAttemptsByChannel())
          m.inc({ channel_id: String(r.channelId), channel: r.channelName }, r.failed);
      }),
    });
    new Gauge({
      name: 'snapshot_panel_notification_deliveries_pending',
      help: 'Notification deliveries waiting for a try or a retry.',
      registers,
      collect: reading(async (m: Gauge) => {
        m.set(await this.notifications.pendingCount());
      }),
    });
  }

  private ownSnapshotsOfScrape(): Promise<Map<string, { count: number; bytes: number }>> {
    return (this.scrapeSnapshots ??= this.ownSnapshots());
  }

  private async ownSnapshots(): Promise<Map<string, { count: number; bytes: number }>> {
    const out = new Map<string, { count: number; bytes: number }>([
      ['auto', { count: 0, bytes: 0 }],
      ['manual', { count: 0, bytes: 0 }],
      ['kept', { count: 0, bytes: 0 }],
    ]);
    let serverId: number;
    try {
      serverId = await this.connection.serverId();
    } catch {
      return out;
    }
    const cached = await this.snapshots.read(serverId);
    for (const image of cached?.images ?? []) {
      const kind = snapshotOrigin(image.labels);
      const entry = out.get(kind);
      if (!entry || image.type !== 'snapshot') continue;
      entry.count += 1;
      entry.bytes += (image.image_size ?? 0) * GB;
    }
    return out;
  }
}
