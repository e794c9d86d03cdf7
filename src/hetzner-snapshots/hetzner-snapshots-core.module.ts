import { DynamicModule, Module, Provider } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ApiUsageStore } from './connection/api-usage.store';
import { CLOCK } from '../clock/clock';
import { AuditService } from './audit/audit.service';
import { PanelSettingsStore } from './settings/panel-settings.store';
import { HetznerConnectionService } from './connection/hetzner-connection.service';
import { TokenVault } from './connection/token.vault';
import { hetznerSnapshotsEntities } from './hetzner-snapshots.entities';
import { HETZNER_SNAPSHOTS_HOST_PORT } from './hetzner-snapshots.host-port';
import {
  HETZNER_SNAPSHOTS_CONFIG,
  HetznerSnapshotsConfig,
  HetznerSnapshotsExtras,
} from './hetzner-snapshots.module-definition';
import { HETZNER_SNAPSHOTS_OPTIONS, HetznerSnapshotsModuleOptions } from './hetzner-snapshots.options';
import { HetznerSnapshotsPeersModule, peerProviders } from './hetzner-snapshots.peers';
import { HetznerSnapshotsViews } from './hetzner-snapshots.views';
import { PanelLayoutContributor } from './status/panel-layout.contributor';
import { PluginAccessGuard } from './plugin-access.guard';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { SchedulerRegistry } from '@nestjs/schedule';

/**
 * What every feature folder of the plugin shares: its options, repositories, the host port, the peers, the
 * Hetzner connection and the guard. Not global: each feature module imports this one instance (see
 * HetznerSnapshotsModule), so nothing of it is visible to the host.
 */
@Module({})
export class HetznerSnapshotsCoreModule {
  /** `configured` is the module definition ConfigurableModuleBuilder made: the config provider and async imports. */
  static forRoot(configured: DynamicModule, extras: HetznerSnapshotsExtras): DynamicModule {
    const typeorm = TypeOrmModule.forFeature(hetznerSnapshotsEntities);
    const providers: Provider[] = [
      ...(configured.providers ?? []),
      {
        provide: HETZNER_SNAPSHOTS_OPTIONS,
        useFactory: (config: HetznerSnapshotsConfig): HetznerSnapshotsModuleOptions => ({
          ...config,
          routePrefix: extras.routePrefix,
        }),
        inject: [HETZNER_SNAPSHOTS_CONFIG],
      },
      { provide: HETZNER_SNAPSHOTS_HOST_PORT, useClass: extras.hostPort },
      ...peerProviders,
      HetznerSnapshotsViews,
      PluginAccessGuard,
      HetznerConnectionService,
      PanelLayoutContributor,
      ApiUsageStore,
      // The settings store writes its audit entries in its own transactions, so the audit service lives here too.
      AuditService,
      PanelSettingsStore,
      TokenVault,
    ];
    return {
      module: HetznerSnapshotsCoreModule,
      imports: [...(configured.imports ?? []), HetznerSnapshotsPeersModule, typeorm],
      providers,
      exports: [
        typeorm,
        HETZNER_SNAPSHOTS_OPTIONS,
        HETZNER_SNAPSHOTS_HOST_PORT,
        CLOCK,
        SchedulerRegistry,
        EventEmitter2,
        PluginAccessGuard,
        HetznerConnectionService,
        ApiUsageStore,
        AuditService,
        PanelSettingsStore,
        TokenVault,
        PanelLayoutContributor,
      ],
    };
  }
}
