// The snapshot feature as one Nest dynamic module a host control panel imports, with forRoot or
// forRootAsync: its controllers under a route prefix, its own views and partials, entities and migrations,
// and its scheduler. What it needs from the host is the host port and three peers; docs/PLUGIN.md has it all.
import { DynamicModule, Module, Type } from '@nestjs/common';
import { RouterModule } from '@nestjs/core';
import { DoctorModule } from './doctor/doctor.module';
import { HetznerSnapshotsCoreModule } from './hetzner-snapshots-core.module';
import {
  HetznerSnapshotsConfigurableModule,
  HetznerSnapshotsExtras,
  HetznerSnapshotsForRootAsyncOptions,
  HetznerSnapshotsForRootOptions,
} from './hetzner-snapshots.module-definition';
import { HETZNER_SNAPSHOTS_LAYOUT } from './hetzner-snapshots.options';
import { LabelsModule } from './labels/labels.module';
import { LeaseModule } from './lease/lease.module';
import { LimitsModule } from './limits/limits.module';
import { CoverageModule } from './not-covered/coverage.module';
import { VerifyModule } from './verify/verify.module';
import { MetricsModule } from './metrics/metrics.module';
import { NotificationsModule } from './notifications/notifications.module';
import { RestoreModule } from './restore/restore.module';
import { SchedulerModule } from './cycle/scheduler.module';
import { ServerStateModule } from './server-state/server-state.module';
import { SettingsModule } from './settings/settings.module';
import { SnapshotListModule } from './snapshot-list/snapshot-list.module';
import { SnapshotsModule } from './snapshots/snapshots.module';
import { PanelLayoutContributor } from './status/panel-layout.contributor';
import { HetznerSnapshotsReadiness } from './hetzner-snapshots.readiness';

/**
 * `forRoot(config & extras)` or `forRootAsync({ imports, useFactory, inject, ...extras })`. The options
 * provider comes from ConfigurableModuleBuilder; it lives in the core module with everything it serves.
 */
@Module({})
export class HetznerSnapshotsModule {
  static forRoot(options: HetznerSnapshotsForRootOptions): DynamicModule {
    return assemble(HetznerSnapshotsConfigurableModule.forRoot(options), options);
  }

  static forRootAsync(options: HetznerSnapshotsForRootAsyncOptions): DynamicModule {
    return assemble(HetznerSnapshotsConfigurableModule.forRootAsync(options), options);
  }
}

/**
 * The module graph in one place. Each folder's module gets the one core instance through a dynamic
 * import (Nest merges it with the folder's @Module metadata), since nothing of the plugin is global.
 */
function assemble(configured: DynamicModule, extras: HetznerSnapshotsExtras): DynamicModule {
  if (typeof extras.hostPort !== 'function')
    throw new Error(
      'HetznerSnapshotsModule needs `hostPort`: the class implementing HetznerSnapshotsHostPort.',
    );
  if (typeof extras.routePrefix !== 'string')
    throw new Error(
      "HetznerSnapshotsModule needs `routePrefix`: '' for the root or a path such as 'hetzner'.",
    );
  const core = HetznerSnapshotsCoreModule.forRoot(configured, extras);
  const withCore = (module: Type, ...imports: DynamicModule[]): DynamicModule => ({
    module,
    imports: [core, ...imports],
  });
  const lease = withCore(LeaseModule);
  const serverState = withCore(ServerStateModule);
  const snapshotList = withCore(SnapshotListModule);
  const limits = withCore(LimitsModule);
  const coverage = withCore(CoverageModule);
  const verify = withCore(VerifyModule, lease, limits);
  const labels = withCore(LabelsModule, lease, serverState);
  const scheduler = withCore(SchedulerModule, lease, labels, serverState, snapshotList, limits);
  const snapshots = withCore(SnapshotsModule, scheduler, serverState, snapshotList, coverage, verify, limits);
  const notifications = withCore(NotificationsModule, scheduler);
  const features = [
    // Settings previews retention on the cached snapshot list (RetentionPreviewService).
    withCore(SettingsModule, snapshotList, coverage, snapshots),
    snapshots,
    withCore(DoctorModule, serverState, notifications, verify, coverage),
    scheduler,
    withCore(RestoreModule, lease, limits, verify, snapshotList),
    notifications,
    withCore(MetricsModule, scheduler, snapshots, notifications, snapshotList),
    verify,
    coverage,
  ];
  return {
    module: HetznerSnapshotsModule,
    imports: [
      core,
      ...features,
      RouterModule.register(features.map(({ module }) => ({ path: extras.routePrefix, module }))),
    ],
    // What the host may use: the readiness facts for its /readyz and the contribution to its layout.
    providers: [
      HetznerSnapshotsReadiness,
      { provide: HETZNER_SNAPSHOTS_LAYOUT, useExisting: PanelLayoutContributor },
    ],
    exports: [HetznerSnapshotsReadiness, HETZNER_SNAPSHOTS_LAYOUT],
  };
}
