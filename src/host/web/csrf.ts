// Owns CSRF protection for every form of the panel, host or plugin. A form's token is an HMAC of the
// server-side session it was shown in (or, before sign-in, of a pre-session id the server issued and signed),
// so a token fetched anonymously or in another session is worth nothing; and a cross-site request is refused
// on its Sec-Fetch-Site / Origin headers before the token is even looked at. Forms only print {{> csrf}}.
import { Logger } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import * as crypto from 'node:crypto';
import { constantTimeEqual } from './constant-time';
import { renderErrorPage } from './panel-exception.filter';
import { CSRF_COOKIE, PanelRequest } from './request-context';

/** What a token is bound to: the signed-in session (its server-side id) or the anonymous pre-session. */
export type CsrfBinding = { kind: 'session'; id: string } | { kind: 'pre-session'; id: string };

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const REFUSED =
  'This form has expired or did not come from this panel. Go back, reload the page and try again.';

/** Where a form or a script sends its token: the `_csrf` field, or the X-CSRF-Token header. */
export function sentCsrfToken(req: Request): unknown {
  return (req.body as Record<string, unknown> | undefined)?._csrf ?? req.get('x-csrf-token');
}

/** Whether the token sent is the one expected (a string, compared in constant time). */
export function csrfTokenMatches(expected: unknown, sent: unknown): boolean {
  return typeof expected === 'string' && typeof sent === 'string' && constantTimeEqual(sent, expected);
}

/** Issues and verifies CSRF tokens under the CSRF purpose key (HKDF "csrf/v1", see src/secrets). */
export class CsrfTokens {
  constructor(private readonly key: Buffer) {}

  private mac(message: string): string {
    return crypto.createHmac('sha256', this.key).update(message).digest('base64url');
  }

  issue(binding: CsrfBinding): string {
    return this.mac(`csrf-token/${binding.kind}:${binding.id}`);
  }

  verify(binding: CsrfBinding, sent: unknown): boolean {
    return csrfTokenMatches(this.issue(binding), sent);
  }

  /** A fresh pre-session cookie value: a random id and the server's signature of it. */
  newPreSession(): { id: string; cookie: string } {
    const id = crypto.randomBytes(32).toString('base64url');
    return { id, cookie: `${id}.${this.mac(`pre-session-id:${id}`)}` };
  }

  /** The pre-session id in a cookie, or null when the server did not sign it (a client-chosen value). */
  readPreSession(cookie: unknown): string | null {
    if (typeof cookie !== 'string' || cookie.length > 200) return null;
    const [id, signature, extra] = cookie.split('.');
    if (!id || !signature || extra !== undefined) return null;
    return constantTimeEqual(signature, this.mac(`pre-session-id:${id}`)) ? id : null;
  }
}

/**
 * Why a state-changing request looks cross-site, or null. Sec-Fetch-Site must be same-origin (or none: typed
 * by the user); "same-site" is refused too, since a sibling subdomain is exactly the attacker this guards
 * against. An Origin must name the host the request was sent to. Absent headers are allowed: every browser
 * in use sends Origin on a cross-origin POST (and Sec-Fetch-Site over HTTPS), so a request without them comes
 * from a non-browser client (curl, the tests) or an old browser on the same origin, and it still needs the
 * session-bound token, which only a page of this panel in that session can know.
 */
export function crossSiteReason(req: Request): string | null {
  const site = req.get('sec-fetch-site');
  if (site !== undefined && site !== 'same-origin' && site !== 'none')
    return `Sec-Fetch-Site ${site.slice(0, 20).replace(/[^\w-]/g, '?')}`;
  const origin = req.get('origin');
  if (origin === undefined) return null;
  let originHost: string;
  try {
    originHost = new URL(origin).host;
  } catch {
    return 'an Origin that is no address';
  }
  // req.host is the Host header, or X-Forwarded-Host when TRUST_PROXY trusts the local proxy.
  return originHost !== '' && originHost === req.host ? null : 'an Origin of another site';
}

/**
 * The middleware: puts this request's token in res.locals.csrfToken for the views, and on POST/PUT/PATCH/DELETE
 * refuses (403) a cross-site request or a token that is not the one of this session. Runs after the session
 * middleware (req.sessionId) and before any guard or controller.
 */
export function csrfProtection(opts: { tokens: CsrfTokens; secureFor: (req: Request) => boolean }) {
  const { tokens } = opts;
  const logger = new Logger('Http');
  return (req: PanelRequest, res: Response, next: NextFunction) => {
    let binding: CsrfBinding;
    if (req.sessionId) {
      binding = { kind: 'session', id: req.sessionId };
      // Signing in rotates: the anonymous pre-session ends, and a sign-out starts a new one.
      if (req.cookies?.[CSRF_COOKIE] !== undefined) res.clearCookie(CSRF_COOKIE, { path: '/' });
    } else {
      let id = tokens.readPreSession(req.cookies?.[CSRF_COOKIE]);
      if (!id) {
        const fresh = tokens.newPreSession();
        id = fresh.id;
        res.cookie(CSRF_COOKIE, fresh.cookie, {
          httpOnly: true,
          sameSite: 'strict',
          secure: opts.secureFor(req),
          path: '/',
        });
      }
      binding = { kind: 'pre-session', id };
    }
    res.locals.csrfToken = tokens.issue(binding);
    if (!UNSAFE_METHODS.has(req.method)) return next();

    const crossSite = crossSiteReason(req);
    if (crossSite || !tokens.verify(binding, sentCsrfToken(req))) {
      logger.warn(
        `refused ${req.method} ${req.path}: ${crossSite ? `cross-site request (${crossSite})` : 'missing or wrong CSRF token'}`,
      );
      return renderErrorPage(res, 403, REFUSED);
    }
    next();
  };
}
