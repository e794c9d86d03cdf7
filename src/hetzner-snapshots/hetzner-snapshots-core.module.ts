import { DynamicModule, Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ApiUsageStore } from './connection/api-usage.store';
import { HetznerConnectionService } from './connection/hetzner-connection.service';
import { hetznerSnapshotsEntities } from './hetzner-snapshots.entities';
import {
  HETZNER_SNAPSHOTS_LAYOUT,
  HETZNER_SNAPSHOTS_OPTIONS,
  HetznerSnapshotsModuleOptions,
  PLUGIN_ADMIN_GUARD,
} from './hetzner-snapshots.options';
import { PanelLayoutContributor } from './status/panel-layout.contributor';
import { PluginAccessGuard } from './plugin-access.guard';

/** What every feature folder of the plugin shares: its options, repositories, the Hetzner connection and the guard. */
@Global()
@Module({})
export class HetznerSnapshotsCoreModule {
  static forRoot(options: HetznerSnapshotsModuleOptions): DynamicModule {
    const typeorm = TypeOrmModule.forFeature(hetznerSnapshotsEntities);
    return {
      module: HetznerSnapshotsCoreModule,
      imports: [typeorm],
      providers: [
        { provide: HETZNER_SNAPSHOTS_OPTIONS, useValue: options },
        { provide: PLUGIN_ADMIN_GUARD, useClass: options.adminGuard },
        PluginAccessGuard,
        HetznerConnectionService,
        ApiUsageStore,
        PanelLayoutContributor,
        { provide: HETZNER_SNAPSHOTS_LAYOUT, useExisting: PanelLayoutContributor },
      ],
      exports: [
        typeorm,
        HETZNER_SNAPSHOTS_OPTIONS,
        PLUGIN_ADMIN_GUARD,
        PluginAccessGuard,
        HetznerConnectionService,
        ApiUsageStore,
        PanelLayoutContributor,
        HETZNER_SNAPSHOTS_LAYOUT,
      ],
    };
  }
}
