// The standalone host's side of the plugin contract: the snapshot plugin's host port, answered with the
// mechanisms this host already has (the admin behind the session cookie, the signed flash cookie, the CSRF
// token the middleware in configure-app puts in res.locals).
import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import type {
  HetznerSnapshotsFlash,
  HetznerSnapshotsHostPort,
} from '../../hetzner-snapshots/hetzner-snapshots.host-port';
import { AdminGuard } from './admin.guard';
import { csrfTokenMatches, sentCsrfToken } from './csrf';
import { setFlash } from './flash';
import type { PanelRequest } from './request-context';

@Injectable()
export class StandaloneHostPort implements HetznerSnapshotsHostPort {
  private readonly guard: AdminGuard;

  constructor(reflector: Reflector) {
    this.guard = new AdminGuard(reflector);
  }

  canAccess(context: ExecutionContext): boolean {
    return this.guard.canActivate(context);
  }

  actingAdmin(req: Request): string | null {
    return (req as PanelRequest).admin?.username ?? null;
  }

  flash(_req: Request, res: Response, flash: HetznerSnapshotsFlash): void {
    setFlash(res, flash, res.locals.secure as boolean);
  }

  csrfToken(_req: Request, res: Response): string {
    return res.locals.csrfToken as string;
  }

  /** The middleware has refused a wrong token before routing; this is the same comparison, asked again. */
  verifyCsrf(req: Request, res: Response): boolean {
    return csrfTokenMatches(res.locals.csrfToken, sentCsrfToken(req));
  }
}
