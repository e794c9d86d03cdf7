// Starting the example host: its database (its data source, with the plugin's entities and migrations),
// and the HTTP app (its views, its layout, the plugin's stylesheet, its session middleware).
import { ArgumentsHost, Catch, ExceptionFilter, HttpException, LoggerService } from '@nestjs/common';
import { BaseExceptionFilter, NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import cookieParser from 'cookie-parser';
import type { NextFunction, Response } from 'express';
import * as path from 'node:path';
import { DataSource } from 'typeorm';
import {
  HETZNER_SNAPSHOTS_LAYOUT,
  HETZNER_SNAPSHOTS_PUBLIC_DIR,
  hetznerSnapshotsEntities,
  HetznerSnapshotsLayoutContribution,
  hetznerSnapshotsMigrations,
} from '../../src/hetzner-snapshots';
import { AcmeAdminModule, AcmeAdminOptions } from './acme-admin.module';
import { AcmeRequest, OperatorSessions, SignInRequired } from './operator-session';

/** The example's views: its layout, sign-in and dashboard (the plugin brings its own pages). */
const VIEWS = path.join(__dirname, 'views');

/** The host's own data source; the plugin's schema comes only from its migrations. */
export async function openAcmeDatabase(file: string): Promise<DataSource> {
  const dataSource = new DataSource({
    type: 'better-sqlite3',
    database: file,
    entities: [...hetznerSnapshotsEntities],
    migrations: [...hetznerSnapshotsMigrations],
    synchronize: false,
  });
  await dataSource.initialize();
  await dataSource.runMigrations({ transaction: 'each' });
  return dataSource;
}

@Catch()
class AcmeExceptionFilter extends BaseExceptionFilter implements ExceptionFilter {
  override catch(exception: unknown, host: ArgumentsHost) {
    const res = host.switchToHttp().getResponse<Response>();
    if (exception instanceof SignInRequired) return res.redirect(303, '/sign-in');
    if (exception instanceof HttpException)
      return res
        .status(exception.getStatus())
        .render('error', { title: 'Error', message: exception.message });
    super.catch(exception, host);
  }
}

export async function createAcmeAdmin(
  options: AcmeAdminOptions,
  logger: LoggerService | false = false,
): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AcmeAdminModule.forRoot(options), {
    logger: logger === false ? ['error', 'warn'] : logger,
    abortOnError: false,
  });
  app.setBaseViewsDir(VIEWS);
  app.setViewEngine('hbs');
  // Compile each template once: Express caches views only under NODE_ENV=production.
  app.set('view cache', true);
  // The plugin's pages use the classes of its stylesheet; this host serves it under a path of its choice.
  app.useStaticAssets(HETZNER_SNAPSHOTS_PUBLIC_DIR, { prefix: '/hetzner-assets/', index: false });
  app.use(cookieParser());
  app.use(app.get(OperatorSessions).middleware());
  const plugin = app.get<HetznerSnapshotsLayoutContribution>(HETZNER_SNAPSHOTS_LAYOUT);
  // The layout's navigation: the host's own entries, then the plugin's, and the plugin's warnings.
  app.use(async (req: AcmeRequest, res: Response, next: NextFunction) => {
    if (req.session) {
      res.locals.nav = [{ label: 'Dashboard', href: '/' }, ...plugin.navItems()];
      res.locals.warnings = await plugin.banners();
      res.locals.signOutCsrf = req.session.csrf;
    }
    next();
  });
  app.useGlobalFilters(new AcmeExceptionFilter(app.getHttpAdapter()));
  return app;
}
