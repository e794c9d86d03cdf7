// The standalone Snapshot Panel application: the host (admins, sign-in, layout) around the Hetzner
// snapshot plugin, on one SQLite data source opened (and migrated) before Nest starts.
import { DynamicModule, Global, Module } from '@nestjs/common';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { ScheduleModule } from '@nestjs/schedule';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { CLOCK, Clock } from './clock/clock';
import { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { HetznerSnapshotsModule } from './hetzner-snapshots/hetzner-snapshots.module';
import { HostModule } from './host/host.module';
import { HealthModule } from './host/health/health.module';
import { StandaloneHostPort } from './host/web/standalone-host.port';
import { DEFAULT_LAYOUT } from './host/web/views';
import { PACKAGE_VERSION } from './project-root';
import { SECRET_KEYS, SecretKeys } from './secrets/secret-keys';

export interface PanelRuntime {
  config: AppConfig;
  keys: SecretKeys;
  dataSource: DataSource;
  clock: Clock;
  /** 'server' runs the scheduler and serves pages; 'cli' shares the database for one command. */
  role: 'server' | 'cli';
  /** Pointed at the built-in fake Hetzner API: every page says so. */
  demo: boolean;
}

@Global()
@Module({})
class RuntimeModule {
  static forRoot(rt: PanelRuntime): DynamicModule {
    return {
      module: RuntimeModule,
      providers: [
        { provide: CLOCK, useValue: rt.clock },
        { provide: SECRET_KEYS, useValue: rt.keys },
      ],
      exports: [CLOCK, SECRET_KEYS],
    };
  }
}

export function buildAppModule(rt: PanelRuntime): DynamicModule {
  const snapshots = HetznerSnapshotsModule.forRoot({
    routePrefix: '',
    hostPort: StandaloneHostPort,
    layout: DEFAULT_LAYOUT,
    tokenEncryptionKey: rt.keys.tokenEncryption,
    tokenEncryptionKeyCreated: rt.keys.created,
    runScheduler: rt.role === 'server',
    hcloud: {
      endpoint: rt.config.hcloudEndpoint,
      metadataEndpoint: rt.config.metadataEndpoint,
      serverId: rt.config.serverId,
      envToken: rt.config.envToken,
      userAgent: `snapshot-panel/${PACKAGE_VERSION}`,
      interactiveDeadlineMs: rt.config.hcloudInteractiveDeadlineMs,
    },
    timeZone: rt.config.timeZone,
    scheduleSpreadMinutes: rt.config.scheduleSpreadMinutes,
    webhookAllowPrivateAddresses: rt.config.webhookAllowPrivateAddresses,
    notificationSecretKey: rt.keys.notificationEncryption,
    smtpPassword: rt.config.smtpPassword,
    metricsToken: rt.config.metricsToken,
    snapshotHooks: {
      pre: rt.config.preSnapshotCommand,
      post: rt.config.postSnapshotCommand,
      timeoutMs: rt.config.hookTimeoutMs,
    },
  });
  return {
    module: AppModule,
    imports: [
      ConfigModule.forRoot(rt.config),
      RuntimeModule.forRoot(rt),
      TypeOrmModule.forRootAsync({
        useFactory: () => ({ ...rt.dataSource.options, migrationsRun: false, synchronize: false }),
        // The data source is opened and migrated before Nest starts (see openDatabase); Nest reuses it.
        dataSourceFactory: async () => rt.dataSource,
      }),
      EventEmitterModule.forRoot(),
      ScheduleModule.forRoot(),
      HostModule,
      snapshots,
      // /healthz and /readyz: the plugin's part of readiness comes from the readiness service it exports.
      HealthModule.forRoot(snapshots),
    ],
  };
}

@Module({})
export class AppModule {}
