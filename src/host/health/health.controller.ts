import { Controller, Get, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Public } from '../web/public.decorator';
import { HealthService } from './health.service';

/** For monitors and load balancers: JSON, no sign-in, never cached; 200 when fine, 503 otherwise. */
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
  async readyz(@Res() res: Response) {
    const result = await this.health.readiness();
    res
      .status(result.status === 'ready' ? 200 : 503)
      .set('Cache-Control', 'no-store')
      .json(result);
  }
}
