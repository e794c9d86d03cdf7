// The snapshots page (the panel's home): this server's snapshots from a cached list, "take one now",
// delete, protect and keep. SnapshotsService is exported for the CLI and for other feature folders.
import { Module } from '@nestjs/common';
import { SchedulerModule } from '../scheduler/scheduler.module';
import { CreateRequestKeys } from './create-request-keys';
import { OwnActionsTracker } from './own-actions.tracker';
import { SnapshotListModule } from './snapshot-list.module';
import { SnapshotsController } from './snapshots.controller';
import { SnapshotsPageService } from './snapshots-page.service';
import { SnapshotsService } from './snapshots.service';

@Module({
  // For the "Automatic snapshots" card: next runs and the last success (SchedulerStatusService).
  imports: [SchedulerModule, SnapshotListModule],
  controllers: [SnapshotsController],
  providers: [SnapshotsService, SnapshotsPageService, OwnActionsTracker, CreateRequestKeys],
  exports: [SnapshotsService, SnapshotListModule],
})
export class SnapshotsModule {}
