import { SettingsModule } from './settings/settings.module';
import { SnapshotsModule } from './snapshots/snapshots.module';
import { DoctorModule } from './doctor/doctor.module';
import { SchedulerModule } from './scheduler/scheduler.module';
import { RestoreModule } from './restore/restore.module';
import { VerifyModule } from './verify/verify.module';
import { CoverageModule } from './not-covered/coverage.module';
/** The plugin's feature modules, one per folder; each brings its controllers and services. */
export const hetznerSnapshotsFeatureModules = [
  SettingsModule,
  SnapshotsModule,
  DoctorModule,
  SchedulerModule,
  RestoreModule,
  VerifyModule,
  CoverageModule,
];
