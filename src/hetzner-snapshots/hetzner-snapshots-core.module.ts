import { DynamicModule, Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from './audit/audit.module';
import { HetznerConnectionService } from './connection/hetzner-connection.service';
import { TokenVault } from './connection/token.vault';
import { hetznerSnapshotsEntities } from './hetzner-snapshots.entities';
import {
  HETZNER_SNAPSHOTS_LAYOUT,
  HETZNER_SNAPSHOTS_OPTIONS,
  HetznerSnapshotsModuleOptions,
  PLUGIN_ADMIN_GUARD,
} from './hetzner-snapshots.options';
import { PanelSettingsStore } from './settings/panel-settings.store';
import { PanelLayoutContributor } from './status/panel-layout.contributor';
import { PluginAccessGuard } from './plugin-access.guard';

/**
 * What every feature folder of the plugin shares: its options, repositories, the settings store, the Hetzner
 * connection (with the token vault) and the guard.
 */
@Global()
@Module({})
export class HetznerSnapshotsCoreModule {
  static forRoot(options: HetznerSnapshotsModuleOptions): DynamicModule {
    const typeorm = TypeOrmModule.forFeature(hetznerSnapshotsEntities);
    return {
      module: HetznerSnapshotsCoreModule,
      // The settings store writes its audit entries in its own transactions.
      imports: [typeorm, AuditModule],
      providers: [
        { provide: HETZNER_SNAPSHOTS_OPTIONS, useValue: options },
        { provide: PLUGIN_ADMIN_GUARD, useClass: options.adminGuard },
        PluginAccessGuard,
        PanelSettingsStore,
        TokenVault,
        HetznerConnectionService,
        PanelLayoutContributor,
        { provide: HETZNER_SNAPSHOTS_LAYOUT, useExisting: PanelLayoutContributor },
      ],
      exports: [
        typeorm,
        HETZNER_SNAPSHOTS_OPTIONS,
        PLUGIN_ADMIN_GUARD,
        PluginAccessGuard,
        PanelSettingsStore,
        TokenVault,
        HetznerConnectionService,
        PanelLayoutContributor,
        HETZNER_SNAPSHOTS_LAYOUT,
      ],
    };
  }
}
