import { Controller, Get, Req, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Public } from '../web/public.decorator';
import { PanelRequest } from '../web/request-context';
import { HealthService } from './health.service';

/**
 * For monitors and load balancers: JSON, no sign-in, never cached; 200 when fine, 503 otherwise. /readyz tells
 * anyone only its status; the reasons and checks (is a token set, is the schedule on, the last error code) go
 * to a signed-in admin or a monitor that sends HEALTH_TOKEN as a bearer token.
 */
@Controller()
export class HealthController {
  constructor(private readonly health: HealthService) {}

  @Public()
  @Get('healthz')
  async healthz(@Res() res: Response) {
    const result = await this.health.liveness();
    res
      .status(result.status === 'ok' ? 200 : 503)
      .set('Cache-Control', 'no-store')
      .json(result);
  }

  @Public()
  @Get('readyz')
  async readyz(@Req() req: PanelRequest, @Res() res: Response) {
    const result = await this.health.readiness();
    const details = Boolean(req.admin) || this.health.isMonitorToken(req.get('authorization'));
    res
      .status(result.status === 'ready' ? 200 : 503)
      .set('Cache-Control', 'no-store')
      .json(details ? result : { status: result.status });
  }
}
