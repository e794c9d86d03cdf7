// What the plugin tells its host's readiness check (/readyz in the standalone host): whether this process
// runs the schedule, whether the schedule has something to do, and the newest cycle. Facts only: the host
// decides what "ready" means and what it shows, and never reads the plugin's tables itself.
import { Inject, Injectable } from '@nestjs/common';
import { HETZNER_SNAPSHOTS_OPTIONS, HetznerSnapshotsModuleOptions } from './hetzner-snapshots.options';
import { CycleRunStore } from './cycle/cycle-run.store';
import { ScheduleRunnerService } from './cycle/schedule-runner.service';
import { SettingsService } from './settings/settings.service';

export interface HetznerSnapshotsReadinessFacts {
  /** Only the serving process runs the scheduler (options.runScheduler); a CLI context never does. */
  schedulerRole: boolean;
  /** The plugin's cron jobs that are started (0 or 1). */
  activeCronJobs: number;
  tokenConfigured: boolean;
  scheduleEnabled: boolean;
  /** The newest cycle run, or null before the first one. Error codes only, never messages. */
  lastCycle: {
    id: number;
    status: string;
    startedAt: Date;
    finishedAt: Date | null;
    errorCode: string | null;
  } | null;
}

@Injectable()
export class HetznerSnapshotsReadiness {
  constructor(
    @Inject(HETZNER_SNAPSHOTS_OPTIONS) private readonly options: HetznerSnapshotsModuleOptions,
    private readonly settings: SettingsService,
    private readonly runs: CycleRunStore,
    private readonly runner: ScheduleRunnerService,
  ) {}

  async facts(): Promise<HetznerSnapshotsReadinessFacts> {
    const [token, saved, [last]] = await Promise.all([
      this.settings.tokenStatus(),
      // Never throws for a stored schedule that no longer validates: switched on, it is a fact like any other.
      this.settings.savedSchedule(),
      this.runs.recent(1),
    ]);
    return {
      schedulerRole: this.options.runScheduler,
      activeCronJobs: this.runner.job()?.isActive ? 1 : 0,
      tokenConfigured: token.source !== 'none',
      scheduleEnabled: saved.ok ? saved.schedule.enabled : saved.enabled,
      lastCycle: last
        ? {
            id: last.id,
            status: last.status,
            startedAt: last.startedAt,
            finishedAt: last.finishedAt,
            errorCode: last.errorCode,
          }
        : null,
    };
  }
}
