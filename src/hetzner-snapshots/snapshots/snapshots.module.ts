// The snapshots page (the panel's home): this server's snapshots from a cached list, "take one now",
// delete, protect and keep. SnapshotsService is exported for the CLI and for other feature folders.
import { Module } from '@nestjs/common';
import { CoverageModule } from '../not-covered/coverage.module';
import { LimitsModule } from '../limits/limits.module';
import { SchedulerModule } from '../scheduler/scheduler.module';
import { VerifyModule } from '../verify/verify.module';
import { CreateRequestKeys } from './create-request-keys';
import { OwnActionsTracker } from './own-actions.tracker';
import { SnapshotListStore } from './snapshot-list.store';
import { SnapshotsController } from './snapshots.controller';
import { SnapshotsPageService } from './snapshots-page.service';
import { SnapshotsService } from './snapshots.service';

@Module({
  // For the "Automatic snapshots" card: next runs and the last success (SchedulerStatusService).
  imports: [SchedulerModule, CoverageModule, VerifyModule, LimitsModule],
  controllers: [SnapshotsController],
  providers: [
    SnapshotsService,
    SnapshotsPageService,
    SnapshotListStore,
    OwnActionsTracker,
    CreateRequestKeys,
  ],
  exports: [SnapshotsService, SnapshotListStore],
})
export class SnapshotsModule {}
