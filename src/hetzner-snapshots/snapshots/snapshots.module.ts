// The snapshots page (the panel's home): this server's snapshots from a cached list, "take one now",
// delete, protect and keep. SnapshotsService is exported for the CLI and for other feature folders.
import { Module } from '@nestjs/common';
import { CreateRequestKeys } from './create-request-keys';
import { OwnActionsTracker } from './own-actions.tracker';
import { RetentionPreviewService } from './retention-preview.service';
import { SnapshotsController } from './snapshots.controller';
import { SnapshotsPageService } from './snapshots-page.service';
import { SnapshotsService } from './snapshots.service';

// Imports (the core, the scheduler for the "Automatic snapshots" card) are wired in hetzner-snapshots.module.ts.
@Module({
  controllers: [SnapshotsController],
  providers: [
    SnapshotsService,
    SnapshotsPageService,
    OwnActionsTracker,
    CreateRequestKeys,
    RetentionPreviewService,
  ],
  exports: [SnapshotsService, RetentionPreviewService],
})
export class SnapshotsModule {}
