import { CanActivate, ExecutionContext, ForbiddenException, Inject, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { HETZNER_SNAPSHOTS_HOST_PORT, HetznerSnapshotsHostPort } from './hetzner-snapshots.host-port';
import { PLUGIN_LOCALS, PluginLocals } from './hetzner-snapshots.views';

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * On every plugin controller: the host port decides who may enter, every unsafe request must carry the
 * host's CSRF token (checked here too, so a host that forgot its own check does not expose a form that
 * rebuilds the server), and the plugin's views get the token for their forms.
 */
@Injectable()
export class PluginAccessGuard implements CanActivate {
  constructor(@Inject(HETZNER_SNAPSHOTS_HOST_PORT) private readonly host: HetznerSnapshotsHostPort) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (!(await this.host.canAccess(context))) return false;
    const http = context.switchToHttp();
    const req = http.getRequest<Request>();
    const res = http.getResponse<Response>();
    if (UNSAFE_METHODS.has(req.method) && !this.host.verifyCsrf(req, res))
      throw new ForbiddenException(
        'This form has expired or did not come from this panel. Go back, reload the page and try again.',
      );
    const locals: PluginLocals = { csrfToken: this.host.csrfToken(req, res) };
    res.locals[PLUGIN_LOCALS] = locals;
    return true;
  }
}
