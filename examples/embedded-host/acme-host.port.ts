// The example host's implementation of the snapshot plugin's host port: four questions, answered with the
// example's own guard and session. The plugin instantiates this class inside itself.
import { ExecutionContext, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { HetznerSnapshotsFlash, HetznerSnapshotsHostPort } from '../../src/hetzner-snapshots';
import { AcmeRequest, OperatorGuard, sentCsrfMatches } from './operator-session';

@Injectable()
export class AcmeHostPort implements HetznerSnapshotsHostPort {
  private readonly guard = new OperatorGuard();

  canAccess(context: ExecutionContext): boolean {
    return this.guard.canActivate(context);
  }

  actingAdmin(req: Request): string | null {
    return (req as AcmeRequest).session?.operator ?? null;
  }

  flash(req: Request, _res: Response, flash: HetznerSnapshotsFlash): void {
    const session = (req as AcmeRequest).session;
    if (session) session.flash = flash;
  }

  csrfToken(req: Request): string {
    return (req as AcmeRequest).session?.csrf ?? '';
  }

  verifyCsrf(req: Request): boolean {
    return sentCsrfMatches(req as AcmeRequest);
  }
}
