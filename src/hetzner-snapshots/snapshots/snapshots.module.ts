// The snapshots page (the panel's home): this server's snapshots from a cached list, "take one now",
// delete, protect and keep. SnapshotListingService and SnapshotsService are exported for the CLI and for other feature folders.
import { Module } from '@nestjs/common';
import { CreateRequestKeys } from './create-request-keys';
import { OwnActionsTracker } from './own-actions.tracker';
import { SnapshotListingService } from './snapshot-listing.service';
import { RetentionPreviewService } from './retention-preview.service';
import { SnapshotsController } from './snapshots.controller';
import { SnapshotsPageService } from './snapshots-page.service';
import { SnapshotsService } from './snapshots.service';

// Imports (the core, the scheduler for the "Automatic snapshots" card) are wired in hetzner-snapshots.module.ts.
@Module({
  controllers: [SnapshotsController],
  providers: [
    SnapshotListingService,
    SnapshotsService,
    SnapshotsPageService,
    OwnActionsTracker,
    CreateRequestKeys,
    RetentionPreviewService,
  ],
  exports: [SnapshotListingService, SnapshotsService, RetentionPreviewService],
})
export class SnapshotsModule {}
