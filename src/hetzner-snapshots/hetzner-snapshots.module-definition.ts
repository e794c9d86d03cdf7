// The plugin's options, declared once with ConfigurableModuleBuilder: `forRoot(config & extras)` and
// `forRootAsync({ imports, useFactory, inject, ...extras })`. The extras are what must be known while the
// module graph is built (the routes' prefix, the class implementing the host port); the rest may come from
// the host's own configuration service.
import { ConfigurableModuleAsyncOptions, ConfigurableModuleBuilder, Type } from '@nestjs/common';
import type { HetznerSnapshotsHostPort } from './hetzner-snapshots.host-port';

/** What a host configures: the plugin's own settings, none of which it reads from the environment. */
export interface HetznerSnapshotsConfig {
  /** The host's Handlebars layout the plugin's pages render in (a name in the host's views folder). */
  layout: string;
  /** 32-byte key for the API token at rest; the host keeps it outside the database. */
  tokenEncryptionKey: Buffer;
  /** The host generated that key at this start (no key file was found): a stored token is then unreadable. */
  tokenEncryptionKeyCreated?: boolean;
  /** Only the serving process runs cron jobs; CLI commands share the database but not the timers. */
  runScheduler: boolean;
  hcloud: {
    endpoint: string;
    metadataEndpoint: string;
    /** Skips metadata discovery when set. */
    serverId: number | null;
    /** Overrides the stored token when set (HCLOUD_TOKEN). */
    envToken: string | null;
    userAgent: string;
    /** Total budget of one request made for a page (retries included); default INTERACTIVE_DEADLINE_MS (5 s). */
    interactiveDeadlineMs?: number;
  };
  /** IANA zone the schedule and the pages use. */
  timeZone: string;
  /** Spread the scheduled start over this many minutes, derived from the server id (0 = on the minute). */
  scheduleSpreadMinutes: number;
  /** Webhooks may go to loopback and private-network addresses (WEBHOOK_ALLOW_PRIVATE_ADDRESSES); default false. */
  webhookAllowPrivateAddresses?: boolean;
  /** 32-byte key for notification channel secrets at rest (SMTP password, HMAC secret, ntfy token). */
  notificationSecretKey: Buffer;
  /** SMTP_PASSWORD: e-mail channels set to take their password from the environment use this one. */
  smtpPassword?: string | null;
  /** METRICS_TOKEN: /metrics is served only with this bearer token; off (404) while null. */
  metricsToken?: string | null;
  /** Consistency hooks from the host's configuration file, never from a web form. */
  snapshotHooks: { pre: string | null; post: string | null; timeoutMs: number };
}

/** Given when the module is imported, in forRoot and in forRootAsync alike. */
export interface HetznerSnapshotsExtras {
  /** Route prefix the plugin's pages live under: '' for the root, 'hetzner' for /hetzner/snapshots. */
  routePrefix: string;
  /**
   * The host's implementation of the port, instantiated inside the plugin: its constructor may inject
   * global providers and exports of the modules listed in forRootAsync's `imports`.
   */
  hostPort: Type<HetznerSnapshotsHostPort>;
}

export const HETZNER_SNAPSHOTS_CONFIG = Symbol('HETZNER_SNAPSHOTS_CONFIG');

export const { ConfigurableModuleClass: HetznerSnapshotsConfigurableModule } =
  new ConfigurableModuleBuilder<HetznerSnapshotsConfig>({
    moduleName: 'HetznerSnapshots',
    optionsInjectionToken: HETZNER_SNAPSHOTS_CONFIG,
  })
    .setClassMethodName('forRoot')
    // The extras' keys, so forRoot keeps them out of the config value; assemble() in the module uses them.
    .setExtras<HetznerSnapshotsExtras>({ routePrefix: '', hostPort: undefined as never })
    .build();

/** forRoot's argument: the builder makes the extras optional; the plugin cannot do without them. */
export type HetznerSnapshotsForRootOptions = HetznerSnapshotsConfig & HetznerSnapshotsExtras;
/** forRootAsync's argument: `imports`, `useFactory`/`useClass`/`useExisting`, `inject`, and the extras. */
export type HetznerSnapshotsForRootAsyncOptions = ConfigurableModuleAsyncOptions<HetznerSnapshotsConfig> &
  HetznerSnapshotsExtras;
