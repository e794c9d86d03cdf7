// Restore: "rebuild this server from this snapshot", the rare disaster case. A confirmation page, a job that
// takes a safety snapshot first (unless skipped) and then asks Hetzner to rebuild, and a page following it.
import { Module } from '@nestjs/common';
import { RestoreController } from './restore.controller';
import { RestorePagesService } from './restore-pages.service';
import { RestoreService } from './restore.service';

// Imports (the core, leases) are wired in hetzner-snapshots.module.ts.
@Module({
  controllers: [RestoreController],
  providers: [RestoreService, RestorePagesService],
  exports: [RestoreService],
})
export class RestoreModule {}
