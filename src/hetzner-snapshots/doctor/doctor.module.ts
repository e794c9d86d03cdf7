// The doctor: one service that checks everything the panel depends on and says what to do about each
// problem. It has no pages; `snapshot-panel doctor` (src/cli/commands/doctor.command.ts) prints its checks.
import { Module } from '@nestjs/common';
import { DoctorService } from './doctor.service';

// Imports (the core, the server state) are wired in hetzner-snapshots.module.ts.
@Module({ providers: [DoctorService], exports: [DoctorService] })
export class DoctorModule {}
