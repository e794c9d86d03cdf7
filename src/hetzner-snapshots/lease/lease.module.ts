import { Module } from '@nestjs/common';
import { LeaseService } from './lease.service';

/** Database leases shared by every process on this data folder; import it where work must not overlap. */
@Module({
  providers: [LeaseService],
  exports: [LeaseService],
})
export class LeaseModule {}
