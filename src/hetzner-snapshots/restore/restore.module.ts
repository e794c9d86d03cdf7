// Restore: "rebuild this server from this snapshot", the rare disaster case. A confirmation page, a job that
// takes a safety snapshot first (unless skipped) and then asks Hetzner to rebuild, and a page following it.
import { Module } from '@nestjs/common';
import { LeaseModule } from '../lease/lease.module';
import { LimitsModule } from '../limits/limits.module';
import { VerifyModule } from '../verify/verify.module';
import { RestoreController } from './restore.controller';
import { RestoreService } from './restore.service';

@Module({
  imports: [LeaseModule, LimitsModule, VerifyModule],
  controllers: [RestoreController],
  providers: [RestoreService],
  exports: [RestoreService],
})
export class RestoreModule {}
