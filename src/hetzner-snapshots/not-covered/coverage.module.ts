// What a snapshot does not cover: attached volumes and Hetzner's own Backups, for the snapshots and settings
// pages and doctor, and the volumes guide (docs/VOLUMES.md).
import { Module } from '@nestjs/common';
import { CoverageController } from './coverage.controller';
import { CoverageService } from './coverage.service';

@Module({
  controllers: [CoverageController],
  providers: [CoverageService],
  exports: [CoverageService],
})
export class CoverageModule {}
