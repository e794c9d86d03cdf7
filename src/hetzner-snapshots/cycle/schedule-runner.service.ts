// Owns the timer: one cron job in @nestjs/schedule's SchedulerRegistry built from the saved frequency, in
// the server's time zone, updated the moment settings change and removed while paused. At start it
// resumes runs a restart cut off and catches up a run missed while the panel was down. Only the serving
// process runs it (options.runScheduler); CLI commands never start timers.
import { Inject, Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { PluginLogger } from '../logging/plugin.logger';
import { OnEvent } from '@nestjs/event-emitter';
import { SchedulerRegistry } from '@nestjs/schedule';
import { CronJob, CronTime } from 'cron';
import { CLOCK, Clock } from '../../clock/clock';
import { HETZNER_SNAPSHOTS_OPTIONS, HetznerSnapshotsModuleOptions } from '../hetzner-snapshots.options';
import { LabelBackfillService } from '../labels/label-backfill.service';
import { PanelSettingsStore } from '../settings/panel-settings.store';
import { SETTINGS_CHANGED_EVENT } from '../settings/settings.events';
import { isCatchUpDue, isScheduledRunAt } from './cycle.decisions';
import { formatPanelTime } from '../time/panel-time.format';
import { SchedulerStatusService } from './scheduler-status.service';
import { SnapshotCycleService } from './snapshot-cycle.service';

export const AUTO_SNAPSHOT_JOB = 'hetzner-snapshots.auto';
/** "Soon after start": long enough for the panel to settle, short enough that the gap stays small. */
export const CATCH_UP_DELAY_MS = 60_000;
/** How often the server looks for settings saved by another process (a CLI `schedule set`). */
export const SETTINGS_WATCH_MS = 30_000;
const SETTINGS_WATCH = 'hetzner-snapshots.settings-watch';
/** A tick this far from any run the schedule really has is not a run (see onTick). */
const TICK_TOLERANCE_MS = 2 * 60_000;
/** The server-label backfill starts this long after start (real time: it is background work, not a run). */
export const LABEL_BACKFILL_DELAY_MS = 60_000;
/** While it has not completed (busy lease, no token yet, an API fault), it is tried again this much later. */
export const LABEL_BACKFILL_RETRY_MS = 15 * 60_000;

@Injectable()
export class ScheduleRunnerService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new PluginLogger('Scheduler');
  private readonly stopping = new AbortController();
  private startup: Promise<void> = Promise.resolve();
  // Settings can change twice in quick succession; applying them in order keeps the last one in force.
  private applying: Promise<void> = Promise.resolve();
  private applied: { expression: string; timeZone: string } | null = null;
  private settingsSeenAt: number | null = null;
  private backfillTimer: NodeJS.Timeout | null = null;

  constructor(
    @Inject(HETZNER_SNAPSHOTS_OPTIONS) private readonly options: HetznerSnapshotsModuleOptions,
    private readonly registry: SchedulerRegistry,
    private readonly status: SchedulerStatusService,
    private readonly cycles: SnapshotCycleService,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly settings: PanelSettingsStore,
    private readonly backfill: LabelBackfillService,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.options.runScheduler) return;
    // Events only reach this process; a CLI command in another process changes the row, so look at it now and then.
    const watch = setInterval(() => void this.rescheduleIfSettingsChanged(), SETTINGS_WATCH_MS);
    watch.unref();
    this.registry.addInterval(SETTINGS_WATCH, watch);
    // Not awaited: start-up must not wait for Hetzner; tests await whenStarted().
    this.startup = this.afterStart();
    this.scheduleLabelBackfill(LABEL_BACKFILL_DELAY_MS);
  }

  /** Runs the server-label backfill (tests call this; the timer does in production) and plans a retry if needed. */
  async runLabelBackfill(): Promise<void> {
    try {
      const outcome = await this.backfill.runIfDue();
      if (outcome.status === 'completed' || outcome.status === 'done-before') return;
    } catch (err) {
      this.logger.warn(`labelling existing snapshots could not start: ${(err as Error).message}`);
    }
    this.scheduleLabelBackfill(LABEL_BACKFILL_RETRY_MS);
  }

  private scheduleLabelBackfill(delayMs: number): void {
    if (this.stopping.signal.aborted) return;
    if (this.backfillTimer) clearTimeout(this.backfillTimer);
    this.backfillTimer = setTimeout(() => {
      this.backfillTimer = null;
      void this.runLabelBackfill();
    }, delayMs);
    this.backfillTimer.unref();
  }

  /** Settles when the start-up work (schedule, resuming cut-off runs, a catch-up run) is done. */
  whenStarted(): Promise<void> {
    return this.startup;
  }

  @OnEvent(SETTINGS_CHANGED_EVENT)
  onSettingsChanged(): Promise<void> {
    return this.reschedule();
  }

  /** Brings the cron job in line with the saved settings: created, moved, or removed while paused. */
  reschedule(): Promise<void> {
    if (!this.options.runScheduler) return Promise.resolve();
    this.applying = this.applying
      .then(() => this.applySchedule())
      .catch((err: unknown) => this.logger.error(`could not apply the schedule: ${(err as Error).message}`));
    return this.applying;
  }

  /** The registered job, for pages and tests; null while paused. */
  job(): CronJob | null {
    return this.registry.doesExist('cron', AUTO_SNAPSHOT_JOB)
      ? this.registry.getCronJob(AUTO_SNAPSHOT_JOB)
      : null;
  }

  /** Reschedules when the settings row changed since the schedule was last applied (by any process). */
  async rescheduleIfSettingsChanged(): Promise<void> {
    try {
      const seen = (await this.settings.updatedAt())?.getTime() ?? null;
      if (seen !== null && seen !== this.settingsSeenAt) await this.reschedule();
    } catch (err) {
      this.logger.warn(`could not read the settings: ${(err as Error).message}`);
    }
  }

  async onModuleDestroy(): Promise<void> {
    this.stopping.abort();
    if (this.backfillTimer) clearTimeout(this.backfillTimer);
    if (this.registry.doesExist('interval', SETTINGS_WATCH)) this.registry.deleteInterval(SETTINGS_WATCH);
    this.removeJob();
    await this.startup;
    await this.applying;
  }

  private async afterStart(): Promise<void> {
    try {
      await this.reschedule();
      const resumed = await this.cycles.resumeInterrupted();
      if (resumed.length > 0)
        this.logger.log(
          `resumed ${resumed.length} cycle(s) cut off by the last stop: ${resumed.map((o) => o.status).join(', ')}`,
        );
      await this.catchUpIfMissed();
    } catch (err) {
      if (this.stopping.signal.aborted) return;
      this.logger.error(`start-up of the scheduler failed: ${(err as Error).message}`);
    }
  }

  private async catchUpIfMissed(): Promise<void> {
    const overview = await this.status.overview();
    if (overview.pausedReason || overview.periodMs === null) return;
    const due = isCatchUpDue({
      now: this.clock.now(),
      lastSuccessAt: overview.lastSuccess?.finishedAt ?? null,
      periodMs: overview.periodMs,
      nextRunAt: overview.nextRuns[0] ?? null,
    });
    if (!due) return;
    this.logger.log(
      `no successful automatic snapshot within one period (${overview.frequencyText}); catching up in ${CATCH_UP_DELAY_MS / 1000} s`,
    );
    await this.clock.sleep(CATCH_UP_DELAY_MS, this.stopping.signal);
    if (this.stopping.signal.aborted) return;
    const outcome = await this.cycles.runCycle({ trigger: 'catch-up' });
    this.logger.log(`catch-up run: ${outcome.status}: ${outcome.message}`);
  }

  private async applySchedule(): Promise<void> {
    if (this.stopping.signal.aborted) return;
    this.settingsSeenAt = (await this.settings.updatedAt())?.getTime() ?? null;
    const plan = await this.status.schedulePlan();
    if (plan.pausedReason || !plan.expression) {
      this.applied = null;
      if (this.removeJob()) this.logger.log(`automatic snapshots paused: ${plan.pausedReason}`);
      return;
    }
    this.applied = { expression: plan.expression, timeZone: plan.timeZone };
    const existing = this.job();
    if (existing) {
      existing.setTime(new CronTime(plan.expression, plan.timeZone));
      if (!existing.isActive) existing.start();
    } else {
      const job = new CronJob(plan.expression, () => this.onTick(), null, false, plan.timeZone);
      this.registry.addCronJob(AUTO_SNAPSHOT_JOB, job);
      job.start();
    }
    const next = this.job()?.nextDate().toJSDate();
    this.logger.log(
      `automatic snapshots ${plan.frequencyText} (cron "${plan.expression}", ${plan.timeZone})${next ? `; next at ${formatPanelTime(next, plan.timeZone)}` : ''}`,
    );
  }

  /** The cron tick only calls the plain method; the lease keeps it from overlapping a CLI run or a long cycle. */
  private async onTick(): Promise<void> {
    try {
      // cron 4.4 also fires a daily job an hour early on the autumn DST change; a tick that matches no
      // real run of the schedule (nextRuns filters those out) must not take a second snapshot that day.
      if (
        this.applied &&
        !isScheduledRunAt({ ...this.applied, at: this.clock.now(), toleranceMs: TICK_TOLERANCE_MS })
      ) {
        this.logger.warn(
          `ignored a timer tick at ${this.clock.now().toISOString()} that matches no run of the schedule`,
        );
        return;
      }
      const outcome = await this.cycles.runCycle({ trigger: 'schedule' });
      if (outcome.status === 'busy') this.logger.log(`scheduled run skipped: ${outcome.message}`);
    } catch (err) {
      this.logger.error(`scheduled run failed unexpectedly: ${(err as Error).message}`);
    }
  }

  private removeJob(): boolean {
    if (!this.registry.doesExist('cron', AUTO_SNAPSHOT_JOB)) return false;
    this.registry.deleteCronJob(AUTO_SNAPSHOT_JOB);
    return true;
  }
}
