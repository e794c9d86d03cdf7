import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { PLUGIN_ADMIN_GUARD } from './hetzner-snapshots.options';

/** Puts the host's admin guard on the plugin's own controllers, so the plugin is closed even in a host without a global guard. */
@Injectable()
export class PluginAccessGuard implements CanActivate {
  constructor(@Inject(PLUGIN_ADMIN_GUARD) private readonly hostGuard: CanActivate) {}

  canActivate(context: ExecutionContext) {
    return this.hostGuard.canActivate(context);
  }
}
