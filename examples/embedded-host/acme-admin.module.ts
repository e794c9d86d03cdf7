// "Acme Admin": a small NestJS admin app of its own (operators, sign-in, layout) that mounts the Hetzner
// snapshot plugin under /hetzner. It is the proof that the plugin's contract is the whole contract: this
// folder imports only the plugin's entry (src/hetzner-snapshots/index.ts, published as snapshot-panel/plugin).
import {
  Body,
  Controller,
  DynamicModule,
  ForbiddenException,
  Get,
  Module,
  Post,
  Req,
  Res,
  UseGuards,
} from '@nestjs/common';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { ScheduleModule } from '@nestjs/schedule';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { HetznerSnapshotsModule } from '../../src/hetzner-snapshots';
import { AcmeHostPort } from './acme-host.port';
import {
  AcmeRequest,
  OperatorGuard,
  OperatorSessions,
  SESSION_COOKIE,
  sentCsrfMatches,
} from './operator-session';

export interface AcmeAdminOptions {
  /** Opened and migrated by the host (see openAcmeDatabase), with the plugin's entities and migrations. */
  dataSource: DataSource;
  operators: Record<string, string>;
  tokenEncryptionKey: Buffer;
  /** A second 32-byte key, for notification channel secrets at rest. */
  notificationSecretKey: Buffer;
  hcloudEndpoint: string;
  metadataEndpoint: string;
  timeZone: string;
}

export const ACME_OPTIONS = Symbol('ACME_OPTIONS');

@Controller()
class SignInController {
  constructor(private readonly sessions: OperatorSessions) {}

  @Get('sign-in')
  page(@Res() res: Response) {
    res.render('sign-in', { title: 'Sign in' });
  }

  @Post('sign-in')
  signIn(@Body() body: Record<string, string>, @Res() res: Response) {
    const id = this.sessions.signIn(String(body.username ?? ''), String(body.password ?? ''));
    if (!id) return res.status(401).render('sign-in', { title: 'Sign in', failed: true });
    res.cookie(SESSION_COOKIE, id, { httpOnly: true, sameSite: 'strict', path: '/' });
    res.redirect(303, '/');
  }

  @Post('sign-out')
  @UseGuards(OperatorGuard)
  signOut(@Req() req: AcmeRequest, @Res() res: Response) {
    if (!sentCsrfMatches(req)) throw new ForbiddenException();
    this.sessions.signOut(String(req.cookies[SESSION_COOKIE]));
    res.clearCookie(SESSION_COOKIE, { path: '/' });
    res.redirect(303, '/sign-in');
  }
}

@Controller()
@UseGuards(OperatorGuard)
class DashboardController {
  @Get()
  home(@Res() res: Response) {
    res.render('dashboard', { title: 'Dashboard' });
  }
}

/** The example's configuration as a module, so the plugin's forRootAsync can inject it. */
@Module({})
class AcmeConfigModule {
  static forRoot(options: AcmeAdminOptions): DynamicModule {
    return {
      module: AcmeConfigModule,
      providers: [{ provide: ACME_OPTIONS, useValue: options }],
      exports: [ACME_OPTIONS],
    };
  }
}

@Module({})
export class AcmeAdminModule {
  static forRoot(options: AcmeAdminOptions): DynamicModule {
    const config = AcmeConfigModule.forRoot(options);
    return {
      module: AcmeAdminModule,
      imports: [
        config,
        TypeOrmModule.forRootAsync({
          useFactory: () => ({ ...options.dataSource.options, migrationsRun: false, synchronize: false }),
          dataSourceFactory: async () => options.dataSource,
        }),
        // The plugin's peers, imported once by the host (no CLOCK: the plugin then uses the system clock).
        ScheduleModule.forRoot(),
        EventEmitterModule.forRoot(),
        HetznerSnapshotsModule.forRootAsync({
          routePrefix: 'hetzner',
          hostPort: AcmeHostPort,
          imports: [config],
          inject: [ACME_OPTIONS],
          useFactory: (o: AcmeAdminOptions) => ({
            layout: 'layouts/acme',
            tokenEncryptionKey: o.tokenEncryptionKey,
            notificationSecretKey: o.notificationSecretKey,
            runScheduler: true,
            hcloud: {
              endpoint: o.hcloudEndpoint,
              metadataEndpoint: o.metadataEndpoint,
              serverId: null,
              envToken: null,
              userAgent: 'acme-admin/1.0',
            },
            timeZone: o.timeZone,
            scheduleSpreadMinutes: 0,
            snapshotHooks: { pre: null, post: null, timeoutMs: 60_000 },
          }),
        }),
      ],
      controllers: [SignInController, DashboardController],
      providers: [
        OperatorGuard,
        {
          provide: OperatorSessions,
          useFactory: (o: AcmeAdminOptions) => new OperatorSessions(o.operators),
          inject: [ACME_OPTIONS],
        },
      ],
    };
  }
}
