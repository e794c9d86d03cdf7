import { Controller, Get, Inject, NotFoundException, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { registerSecret } from '../../logging/line.logger';
import { PluginPublicRoute } from '../hetzner-snapshots.host-port';
import { HETZNER_SNAPSHOTS_OPTIONS, HetznerSnapshotsModuleOptions } from '../hetzner-snapshots.options';
import { isMetricsBearer } from './metrics.rules';
import { MetricsService } from './metrics.service';

/**
 * GET /metrics for Prometheus. Off (404, as if there were no such page) until METRICS_TOKEN is set; then only
 * with "Authorization: Bearer <METRICS_TOKEN>" (401 otherwise). Public for the admin guard: a monitor has no
 * session, so the token is the whole of its access, compared in constant time.
 */
@Controller()
export class MetricsController {
  constructor(
    @Inject(HETZNER_SNAPSHOTS_OPTIONS) private readonly options: HetznerSnapshotsModuleOptions,
    private readonly metrics: MetricsService,
  ) {
    registerSecret(options.metricsToken);
  }

  @PluginPublicRoute()
  @Get('metrics')
  async scrape(@Req() req: Request, @Res() res: Response) {
    const token = this.options.metricsToken;
    if (!token) throw new NotFoundException();
    res.set('Cache-Control', 'no-store');
    if (!isMetricsBearer(req.get('authorization'), token)) {
      res
        .status(401)
        .set('WWW-Authenticate', 'Bearer realm="snapshot-panel metrics"')
        .type('text/plain')
        .send('Send the metrics token as "Authorization: Bearer <METRICS_TOKEN>".\n');
      return;
    }
    const { contentType, body } = await this.metrics.render();
    res.status(200).type(contentType).send(body);
  }
}
