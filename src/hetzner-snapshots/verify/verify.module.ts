// Restore drills ("verify a snapshot"): a temporary server from the snapshot, booted, checked and deleted,
// under the drill lease, recorded in drill_runs (DrillRunStore) with a clean-up of left-overs after a crash.
import { Module } from '@nestjs/common';
import { DrillBannerSource } from './drill-banner.source';
import { DrillPagesService } from './drill-pages.service';
import { DrillRunStore } from './drill-run.store';
import { DrillService } from './drill.service';
import { probeTcpPort, TCP_PROBE } from './tcp-port.probe';
import { DrillsController, VerifyController } from './verify.controller';

@Module({
  // Imports (the core, leases, limits) are wired in hetzner-snapshots.module.ts.
  controllers: [VerifyController, DrillsController],
  providers: [
    DrillService,
    DrillRunStore,
    DrillPagesService,
    DrillBannerSource,
    { provide: TCP_PROBE, useValue: probeTcpPort },
  ],
  exports: [DrillService, DrillRunStore],
})
export class VerifyModule {}
