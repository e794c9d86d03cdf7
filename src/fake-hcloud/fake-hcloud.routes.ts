import { actionRoutes } from './actions.routes';
import { Route, RouteDeps } from './fake-hcloud.router';
import { imageRoutes } from './images.routes';
import { pricingRoutes } from './pricing.routes';
import { serverActionRoutes } from './server-actions.routes';
import { serverLifecycleRoutes } from './server-lifecycle.routes';
import { serverRoutes } from './servers.routes';

/** Every /v1 endpoint the fake answers. */
export function apiRoutes(deps: RouteDeps): Route[] {
  return [
    ...serverRoutes(deps),
    ...serverActionRoutes(deps),
    ...serverLifecycleRoutes(deps),
    ...imageRoutes(deps),
    ...actionRoutes(deps),
    ...pricingRoutes(deps),
  ];
}
