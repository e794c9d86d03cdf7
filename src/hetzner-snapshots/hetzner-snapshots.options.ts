import { CanActivate, Type } from '@nestjs/common';

/** What a host hands the snapshot plugin: where to mount it, its guard and layout, and the plugin's own settings. */
export interface HetznerSnapshotsModuleOptions {
  /** Route prefix the plugin's pages live under, '' for the root ('/snapshots', '/settings', ...). */
  routePrefix: string;
  /** The host's guard: the plugin puts it on every controller of its own. */
  adminGuard: Type<CanActivate>;
  /** The host's Handlebars layout the plugin's pages render in. */
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
  /** SMTP_PASSWORD: the password of e-mail channels set to take it from the environment. */
  smtpPassword?: string | null;
  /** METRICS_TOKEN: /metrics is served only with this bearer token; off (404) while null. */
  metricsToken?: string | null;
  /** Consistency hooks from the host's configuration file, never from a web form. */
  snapshotHooks: { pre: string | null; post: string | null; timeoutMs: number };
}

export const HETZNER_SNAPSHOTS_OPTIONS = Symbol('HETZNER_SNAPSHOTS_OPTIONS');
export const PLUGIN_ADMIN_GUARD = Symbol('PLUGIN_ADMIN_GUARD');

/** Joins the plugin's route prefix and a path: pagePath('', '/snapshots') → '/snapshots'. */
export function pagePath(prefix: string, path: string): string {
  const clean = prefix.replace(/^\/+|\/+$/g, '');
  return clean ? `/${clean}${path}` : path;
}

/** The plugin's LayoutContributor (navigation and warnings on every page), for the host's layout. */
export const HETZNER_SNAPSHOTS_LAYOUT = Symbol('HETZNER_SNAPSHOTS_LAYOUT');
