// The scheduler: automatic snapshot cycles (create, wait, prune), their timing through SchedulerRegistry,
// restart safety, the consistency hooks, failure notices (banners, webhook) and the history page.
// Other folders use SnapshotCycleService (one cycle now) and SchedulerStatusService (next runs, last success).
import { Module } from '@nestjs/common';
import { CycleHookStep } from './cycle-hooks.step';
import { CycleRunStore } from './cycle-run.store';
import { CycleWebhookNotifier } from './cycle-webhook.notifier';
import { HistoryController } from './history.controller';
import { HistoryPresenter } from './history.presenter';
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
    CycleWebhookNotifier,
    SnapshotHookRunner,
    CycleHookStep,
    SnapshotTaker,
    SnapshotPruner,
    SnapshotCycleService,
    SchedulerStatusService,
    ScheduleRunnerService,
    HistoryPresenter,
  ],
  exports: [SnapshotCycleService, SchedulerStatusService, ScheduleRunnerService, CycleRunStore],
})
export class SchedulerModule {}
