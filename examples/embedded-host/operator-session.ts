// The example host's own sign-in: operators from its configuration, a random session id in a cookie, the
// session (with its CSRF token and one-shot message) in memory. Nothing here comes from Snapshot Panel's
// standalone host; it is what any admin app already has in some form.
import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import * as crypto from 'node:crypto';

export const SESSION_COOKIE = 'acme_session';

export interface OperatorSession {
  operator: string;
  csrf: string;
  flash: { kind: string; message: string } | null;
}

/** What the example's middleware attaches to a request. */
export interface AcmeRequest extends Request {
  session?: OperatorSession;
}

export class SignInRequired extends Error {}

@Injectable()
export class OperatorSessions {
  private readonly sessions = new Map<string, OperatorSession>();

  constructor(private readonly operators: Record<string, string>) {}

  signIn(name: string, password: string): string | null {
    const expected = this.operators[name];
    const digest = (s: string) => crypto.createHash('sha256').update(s).digest();
    if (expected === undefined || !crypto.timingSafeEqual(digest(expected), digest(password))) return null;
    const id = crypto.randomBytes(32).toString('base64url');
    this.sessions.set(id, {
      operator: name,
      csrf: crypto.randomBytes(32).toString('base64url'),
      flash: null,
    });
    return id;
  }

  signOut(id: string): void {
    this.sessions.delete(id);
  }

  /** Express middleware: the session behind the cookie, and the one-shot message for the layout. */
  middleware() {
    return (req: AcmeRequest, res: Response, next: NextFunction) => {
      const id: unknown = req.cookies?.[SESSION_COOKIE];
      req.session = typeof id === 'string' ? this.sessions.get(id) : undefined;
      res.locals.operator = req.session?.operator ?? null;
      res.locals.flash = req.session?.flash ?? null;
      if (req.session && req.method === 'GET') req.session.flash = null;
      next();
    };
  }
}

/** The example's guard: a signed-in operator, or the sign-in page. */
@Injectable()
export class OperatorGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    if (context.switchToHttp().getRequest<AcmeRequest>().session) return true;
    throw new SignInRequired();
  }
}

/** The example's own CSRF rule, for its own forms and (through the host port) for the plugin's. */
export function sentCsrfMatches(req: AcmeRequest): boolean {
  const sent: unknown = (req.body as Record<string, unknown> | undefined)?._csrf;
  const expected = req.session?.csrf;
  if (typeof sent !== 'string' || typeof expected !== 'string') return false;
  // Bytes, not characters: a token of non-ASCII letters is longer in bytes, and timingSafeEqual throws on that.
  const [a, b] = [Buffer.from(sent), Buffer.from(expected)];
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}
