// The watchdog: "no successful automatic snapshot for longer than the schedule allows" is judged from the
// database alone, at start-up (so a process that was down, or a cron job that died, is noticed) and on a
// timer of its own that does not depend on the schedule. The same timer works the delivery queue (retries
// due) and sends the daily reminders. Only the serving process runs timers.
import { Inject, Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { PluginLogger } from '../logging/plugin.logger';
import { CLOCK, Clock } from '../../clock/clock';
import { HETZNER_SNAPSHOTS_OPTIONS, HetznerSnapshotsModuleOptions } from '../hetzner-snapshots.options';
import { CycleRunStore } from '../cycle/cycle-run.store';
import { SchedulerStatusService } from '../cycle/scheduler-status.service';
import { formatPanelTime } from '../time/panel-time.format';
import { NotificationService } from './notification.service';

/** How often the watchdog looks, whatever the schedule. */
export const WATCHDOG_INTERVAL_MS = 5 * 60_000;
/** How often the queue is looked at for retries that are due (the first try is sent at once). */
export const QUEUE_POLL_MS = 15_000;

@Injectable()
export class NotificationWatchdog implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new PluginLogger('Watchdog');
  private timers: NodeJS.Timeout[] = [];

  constructor(
    @Inject(HETZNER_SNAPSHOTS_OPTIONS) private readonly options: HetznerSnapshotsModuleOptions,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly status: SchedulerStatusService,
    private readonly runs: CycleRunStore,
    private readonly notifications: NotificationService,
  ) {}

  // Before the scheduler's start-up work (resume, catch-up): what the watchdog sees is the state the process
  // found, so a panel that was down through two periods says so even if its catch-up then succeeds.
  async onModuleInit(): Promise<void> {
    if (!this.options.runScheduler) return;
    await this.check().catch((err: unknown) =>
      this.logger.warn(`start-up check failed: ${(err as Error).message}`),
    );
    this.timers.push(
      setInterval(() => void this.check().catch(() => undefined), WATCHDOG_INTERVAL_MS).unref(),
      setInterval(() => this.notifications.kick(), QUEUE_POLL_MS).unref(),
    );
    // Deliveries a stopped process left in the queue go out now.
    this.notifications.kick();
  }

  onModuleDestroy(): void {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
  }

  /** One look: is the schedule overdue, and are reminders due. Called by the timer and by tests. */
  async check(): Promise<void> {
    const overview = await this.status.overview({ spread: false });
    const last = overview.lastSuccess?.finishedAt ?? null;
    const detail = last
      ? `The last successful automatic snapshot finished ${formatPanelTime(last, overview.timeZone)}; the schedule is ${overview.frequencyText ?? overview.frequency}.`
      : `No automatic snapshot has succeeded since the schedule (${overview.frequencyText ?? overview.frequency}) was set on ${formatPanelTime(overview.settingsUpdatedAt, overview.timeZone)}.`;
    // The server as the last run and the snapshots page knew it: no API or metadata request for a message.
    const serverId = overview.lastRun?.serverId ?? this.options.hcloud.serverId;
    const name = serverId === null ? null : await this.runs.cachedServerName(serverId).catch(() => null);
    // Off on purpose is not overdue: the admin switched it off, so the problem (if any) ends.
    await this.notifications.observe(
      { 'snapshots.overdue': overview.enabled ? overview.overdue : false },
      { detail, server: { id: serverId, name } },
    );
    await this.notifications.remind();
    this.logger.debug(`checked at ${this.clock.now().toISOString()}: overdue=${overview.overdue}`);
  }
}
