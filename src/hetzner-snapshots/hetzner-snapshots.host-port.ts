// The host port: everything the plugin asks of the control panel it runs in, as one small typed interface
// the host implements (the standalone host's is src/host/web/standalone-host.port.ts). The plugin never
// reads the host's request fields, response locals, cookies or sessions; it asks this port.
import { SetMetadata } from '@nestjs/common';
import type { ExecutionContext } from '@nestjs/common';
import type { Request, Response } from 'express';

/** A one-shot message for the page the plugin redirects to after a form post. */
export interface HetznerSnapshotsFlash {
  kind: 'success' | 'error' | 'info' | 'warning';
  message: string;
}

export interface HetznerSnapshotsHostPort {
  /**
   * Whether this request may use the plugin's pages: the host's sign-in and permission check. Return false
   * for a plain 403, or throw the host's own exception (for example one its filter turns into a redirect to
   * its sign-in page).
   */
  canAccess(context: ExecutionContext): boolean | Promise<boolean>;
  /** The signed-in admin's name as audit entries and snapshot actions should record it, or null. */
  actingAdmin(req: Request): string | null;
  /**
   * Carries a message across the redirect that follows a form post; the host's layout shows it. (Whether
   * the request is secure, for the cookie that may carry it, is the host's own business here.)
   */
  flash(req: Request, res: Response, flash: HetznerSnapshotsFlash): void;
  /** The token the plugin puts in every form it renders, as the hidden field `_csrf`. */
  csrfToken(req: Request, res: Response): string;
  /**
   * Whether the `_csrf` field (or `X-CSRF-Token` header) of this POST is the one the host issued. The
   * plugin's guard asks it on every unsafe request, before any handler runs, even where the host's own
   * middleware has checked already: the plugin's forms delete snapshots and rebuild servers.
   */
  verifyCsrf(req: Request, res: Response): boolean;
}

/** The port instance inside the plugin (built from `hostPort` in the module options). */
export const HETZNER_SNAPSHOTS_HOST_PORT = Symbol('HETZNER_SNAPSHOTS_HOST_PORT');

/** How an acting admin is written in audit entries and snapshot actors: `admin:<name>`, `admin:unknown` if none. */
export function actorOf(port: HetznerSnapshotsHostPort, req: Request): `admin:${string}` {
  return `admin:${port.actingAdmin(req) ?? 'unknown'}`;
}

/**
 * Metadata on the plugin's few routes that have no admin behind them (only GET /metrics, which a monitor
 * reads with its own bearer token). A host whose guard is global must let these through; the route checks
 * its own credential.
 */
export const HETZNER_SNAPSHOTS_PUBLIC_ROUTE = 'hetzner-snapshots:public-route';
export const PluginPublicRoute = () => SetMetadata(HETZNER_SNAPSHOTS_PUBLIC_ROUTE, true);
