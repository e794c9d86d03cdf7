// The doctor: one service that checks everything the panel depends on and says what to do about each
// problem. It has no pages; `snapshot-panel doctor` (src/cli/commands/doctor.command.ts) prints its checks.
import { Module } from '@nestjs/common';
import { CoverageModule } from '../not-covered/coverage.module';
import { VerifyModule } from '../verify/verify.module';
import { DoctorService } from './doctor.service';

@Module({ imports: [VerifyModule, CoverageModule], providers: [DoctorService], exports: [DoctorService] })
export class DoctorModule {}
