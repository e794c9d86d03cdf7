// Settings of the snapshot plugin: the API token and the schedule and retention, on one page and through
// SettingsService, which the CLI commands (token, schedule) call too. Changes land in the audit trail and
// are announced with SETTINGS_CHANGED_EVENT, which the scheduler listens to.
import { Module } from '@nestjs/common';
import { CoverageModule } from '../not-covered/coverage.module';
import { AuditModule } from '../audit/audit.module';
import { SettingsController } from './settings.controller';
import { SettingsService } from './settings.service';

@Module({
  imports: [AuditModule, CoverageModule],
  controllers: [SettingsController],
  providers: [SettingsService],
  exports: [SettingsService],
})
export class SettingsModule {}
