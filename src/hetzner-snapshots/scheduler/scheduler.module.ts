// The scheduler: automatic snapshot cycles (create, wait, prune), their timing through SchedulerRegistry,
// restart safety, the consistency hooks, failure notices (banners, webhook) and the history page.
// Other folders use SnapshotCycleService (one cycle now) and SchedulerStatusService (next runs, last success).
import { Module } from '@nestjs/common';
import { LeaseModule } from '../lease/lease.module';
import { LimitsModule } from '../limits/limits.module';
import { CycleRunStore } from './cycle-run.store';
import { CycleWebhookNotifier } from './cycle-webhook.notifier';
import { HistoryController } from './history.controller';
import { HistoryPresenter } from './history.presenter';
import { ScheduleRunnerService } from './schedule-runner.service';
import { SchedulerStatusService } from './scheduler-status.service';
import { SnapshotCycleService } from './snapshot-cycle.service';
import { SnapshotHookRunner } from './snapshot-hook.runner';

@Module({
  imports: [LeaseModule, LimitsModule],
  controllers: [HistoryController],
  providers: [
    CycleRunStore,
    CycleWebhookNotifier,
    SnapshotHookRunner,
    SnapshotCycleService,
    SchedulerStatusService,
    ScheduleRunnerService,
    HistoryPresenter,
  ],
  exports: [SnapshotCycleService, SchedulerStatusService, ScheduleRunnerService, CycleRunStore],
})
export class SchedulerModule {}
