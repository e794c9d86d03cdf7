// Settings of the snapshot plugin: the API token and the schedule and retention, on one page and through
// SettingsService, which the CLI commands (token, schedule) call too. Changes land in the audit trail and
// are announced with SETTINGS_CHANGED_EVENT, which the scheduler listens to.
import { Module } from '@nestjs/common';
import { SettingsController } from './settings.controller';
import { SettingsService } from './settings.service';
import { TokenSettingsService } from './token-settings.service';

// Imports (the core, audit) are wired in hetzner-snapshots.module.ts.
@Module({
  controllers: [SettingsController],
  providers: [SettingsService, TokenSettingsService],
  exports: [SettingsService],
})
export class SettingsModule {}
