import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { HETZNER_SNAPSHOTS_PUBLIC_ROUTE } from '../../hetzner-snapshots/hetzner-snapshots.host-port';
import { IS_PUBLIC } from './public.decorator';
import { PanelRequest } from './request-context';

export class NotSignedInException extends Error {
  constructor(readonly returnTo: string) {
    super('Sign in to continue.');
  }
}

/**
 * The host's admin guard: every route needs a signed-in admin unless marked @Public(). It is global in
 * the host and also handed to the snapshot plugin, which puts it on its own controllers.
 */
@Injectable()
export class AdminGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const targets = [context.getHandler(), context.getClass()];
    // The plugin's own open routes (GET /metrics, behind its bearer token) count as public too.
    const isPublic =
      this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets) ||
      this.reflector.getAllAndOverride<boolean>(HETZNER_SNAPSHOTS_PUBLIC_ROUTE, targets);
    if (isPublic) return true;
    const req = context.switchToHttp().getRequest<PanelRequest>();
    if (req.admin) return true;
    throw new NotSignedInException(req.method === 'GET' ? req.originalUrl : '/');
  }
}
