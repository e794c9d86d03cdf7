// The standalone host around the snapshot plugin: admins, sign-in, sessions, the layout and the home page.
// A hosting control panel that embeds the plugin brings these itself.
import { Controller, Get, Module, Res } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { Response } from 'express';
import { AuthController } from './auth/auth.controller';
import { AuthService } from './auth/auth.service';
import { HostAuditStore } from './auth/host-audit.store';
import { LoginThrottleStore } from './auth/login-throttle.store';
import { TwoFactorService } from './auth/two-factor.service';
import { hostEntities } from './host.entities';
import { AdminGuard } from './web/admin.guard';

@Controller()
class HomeController {
  @Get()
  home(@Res() res: Response) {
    res.redirect(303, '/snapshots');
  }
}

@Module({
  // HealthModule is imported by the app module, next to the plugin whose readiness it reports.
  imports: [TypeOrmModule.forFeature(hostEntities)],
  controllers: [AuthController, HomeController],
  providers: [
    AuthService,
    TwoFactorService,
    LoginThrottleStore,
    HostAuditStore,
    AdminGuard,
    { provide: APP_GUARD, useExisting: AdminGuard },
  ],
  exports: [AuthService, TwoFactorService, AdminGuard],
})
export class HostModule {}
