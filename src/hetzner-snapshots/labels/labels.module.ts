// The labels the panel puts on its snapshots (snapshot-labels.ts, pure) and the one-time backfill that gives
// existing snapshots the server label. The scheduler starts the backfill; everyone builds selectors here.
import { Module } from '@nestjs/common';
import { LabelBackfillService } from './label-backfill.service';

// Imports (the core, leases, audit, server state) are wired in hetzner-snapshots.module.ts.
@Module({
  providers: [LabelBackfillService],
  exports: [LabelBackfillService],
})
export class LabelsModule {}
