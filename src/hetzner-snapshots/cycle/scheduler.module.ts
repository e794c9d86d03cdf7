// The scheduler: automatic snapshot cycles (create, wait, prune), their timing through SchedulerRegistry,
// restart safety, the consistency hooks, failure banners and the history page; notifications listen to
// CYCLE_FINISHED_EVENT (notifications/notification.events).
// Other folders use SnapshotCycleService (one cycle now) and SchedulerStatusService (next runs, last success).
import { Module } from '@nestjs/common';
import { CycleHookStep } from './cycle-hooks.step';
import { CycleRunStore } from './cycle-run.store';
import { HistoryController } from './history.controller';
import { HistoryPresenter } from './history.presenter';
import { HistorySections } from './history-sections';
import { ScheduleRunnerService } from './schedule-runner.service';
import { SchedulerStatusService } from './scheduler-status.service';
import { SnapshotCycleService } from './snapshot-cycle.service';
import { SnapshotHookRunner } from './snapshot-hook.runner';
import { SnapshotPruner } from './snapshot-pruner.service';
import { SnapshotTaker } from './snapshot-taker.service';

// Imports (the core, leases) are wired in hetzner-snapshots.module.ts.
@Module({
  controllers: [HistoryController],
  providers: [
    CycleRunStore,
    SnapshotHookRunner,
    CycleHookStep,
    SnapshotTaker,
    SnapshotPruner,
    SnapshotCycleService,
    SchedulerStatusService,
    ScheduleRunnerService,
    HistoryPresenter,
    HistorySections,
  ],
  exports: [
    SnapshotCycleService,
    SchedulerStatusService,
    ScheduleRunnerService,
    CycleRunStore,
    HistorySections,
  ],
})
export class SchedulerModule {}
