// The labels the panel puts on its snapshots (snapshot-labels.ts, pure) and the one-time backfill that gives
// existing snapshots the server label. The scheduler starts the backfill; everyone builds selectors here.
import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { LeaseModule } from '../lease/lease.module';
import { ServerStateModule } from '../server-state/server-state.module';
import { LabelBackfillService } from './label-backfill.service';

@Module({
  imports: [LeaseModule, AuditModule, ServerStateModule],
  providers: [LabelBackfillService],
  exports: [LabelBackfillService],
})
export class LabelsModule {}
