// The snapshot feature as one Nest dynamic module a host control panel imports: its controllers under a
// route prefix, its views (views/hetzner-snapshots), entities and migrations, and its scheduler. It takes
// from the host the admin guard, the layout, the data source and the encryption key (see the options).
import { DynamicModule, Module } from '@nestjs/common';
import { RouterModule } from '@nestjs/core';
import { HetznerSnapshotsCoreModule } from './hetzner-snapshots-core.module';
import { HetznerSnapshotsModuleOptions } from './hetzner-snapshots.options';
import { hetznerSnapshotsFeatureModules } from './hetzner-snapshots.features';

@Module({})
export class HetznerSnapshotsModule {
  static forRoot(options: HetznerSnapshotsModuleOptions): DynamicModule {
    return {
      module: HetznerSnapshotsModule,
      imports: [
        HetznerSnapshotsCoreModule.forRoot(options),
        ...hetznerSnapshotsFeatureModules,
        RouterModule.register(
          hetznerSnapshotsFeatureModules.map((module) => ({ path: options.routePrefix, module })),
        ),
      ],
      exports: [HetznerSnapshotsCoreModule, ...hetznerSnapshotsFeatureModules],
    };
  }
}
