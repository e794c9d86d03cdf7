import type { Request } from 'express';
import type { Admin } from '../auth/admin.entity';

/** What the host's middleware attaches to every request. */
export interface PanelRequest extends Request {
  admin?: Admin;
  sessionCookie?: string;
  /** The server-side id of the session (what CSRF tokens are bound to); never sent to the browser. */
  sessionId?: string;
}

export const SESSION_COOKIE = 'sp_session';
export const CSRF_COOKIE = 'sp_csrf';
export const FLASH_COOKIE = 'sp_flash';
/** Password right, two-factor code still to come (path /login only). */
export const PENDING_COOKIE = 'sp_pending';
