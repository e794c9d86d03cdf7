// The one place the HTTP application is wired: security headers, body limits, cookies, sessions, CSRF,
// views, static assets and error pages. main (serve), demo and every e2e test call createPanelApp, so
// tests run the real wiring.
import { DynamicModule, Logger, LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import cookieParser from 'cookie-parser';
import express, { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';
import * as crypto from 'node:crypto';
import * as path from 'node:path';
import { AppConfig } from '../../config/app-config';
import { SecretKeys } from '../../secrets/secret-keys';
import { AuthService } from '../auth/auth.service';
import { PanelExceptionFilter, renderErrorPage } from './panel-exception.filter';
import { setFlashKey, takeFlash } from './flash';
import { LayoutContributor } from './layout-contributor';
import { CSRF_COOKIE, PanelRequest, SESSION_COOKIE } from './request-context';
import { configureViews } from './views';

import { PROJECT_ROOT } from '../../project-root';
const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export interface PanelAppOptions {
  config: AppConfig;
  keys: SecretKeys;
  contributors: LayoutContributor[];
  logger?: LoggerService;
  demo?: boolean;
}

export async function createPanelApp(
  module: DynamicModule,
  opts: Omit<PanelAppOptions, 'contributors'> & { contributorTokens?: symbol[] },
): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(module, {
    // Body parsing is configured below, with limits and error pages of our own.
    bodyParser: false,
    logger: opts.logger ?? ['error', 'warn', 'log'],
    abortOnError: false,
  });
  const contributors = (opts.contributorTokens ?? []).map((t) => app.get<LayoutContributor>(t));
  configureApp(app, { ...opts, contributors });
  return app;
}

export function configureApp(app: NestExpressApplication, opts: PanelAppOptions): void {
  const { config, keys } = opts;
  const auth = app.get(AuthService);
  const logger = new Logger('Http');
  setFlashKey(keys.csrf);

  // Only a proxy on this machine may set the client address (sign-in throttling counts per address).
  app.set('trust proxy', config.trustProxy ? 'loopback' : false);
  app.disable('x-powered-by');
  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          fontSrc: ["'self'"],
          connectSrc: ["'self'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
          baseUri: ["'none'"],
          objectSrc: ["'none'"],
        },
      },
      // Only when the admin tells us TLS is in front; HSTS on a plain-HTTP tunnel would lock them out.
      strictTransportSecurity: config.secureCookies === true,
    }),
  );
  app.useStaticAssets(path.join(PROJECT_ROOT, 'public'), { prefix: '/assets/', maxAge: '1h', index: false });
  configureViews(app, PROJECT_ROOT);

  const urlencoded = express.urlencoded({ extended: false, limit: '64kb', parameterLimit: 200 });
  const json = express.json({ limit: '64kb' });
  app.use((req: Request, res: Response, next: NextFunction) => {
    const parse = req.is('application/json') ? json : urlencoded;
    parse(req, res, (err?: { status?: number; type?: string }) => {
      if (!err) return next();
      const status = err.status === 413 ? 413 : 400;
      const message =
        status === 413
          ? 'That form was far larger than any form of this panel accepts.'
          : 'That request could not be read.';
      renderErrorPage(res, status, message);
    });
  });
  app.use(cookieParser());

  const secureFor = (req: Request) => config.secureCookies ?? req.secure;
  const csrfFor = (nonce: string) =>
    crypto.createHmac('sha256', keys.csrf).update(`csrf:${nonce}`).digest('base64url');

  // Session: resolve the admin behind the cookie before any guard runs.
  app.use(async (req: PanelRequest, _res: Response, next: NextFunction) => {
    try {
      const cookie: unknown = req.cookies?.[SESSION_COOKIE];
      if (typeof cookie === 'string') {
        const found = await auth.resolveSession(cookie);
        if (found) {
          req.admin = found.admin;
          req.sessionCookie = cookie;
        }
      }
      next();
    } catch (err) {
      next(err);
    }
  });

  // CSRF: a random HttpOnly cookie, and forms carry an HMAC of it that another site can neither read nor forge.
  app.use((req: PanelRequest, res: Response, next: NextFunction) => {
    let nonce: unknown = req.cookies?.[CSRF_COOKIE];
    if (typeof nonce !== 'string' || nonce.length !== 43) {
      nonce = crypto.randomBytes(32).toString('base64url');
      res.cookie(CSRF_COOKIE, nonce, {
        httpOnly: true,
        sameSite: 'strict',
        secure: secureFor(req),
        path: '/',
      });
    }
    const expected = csrfFor(nonce as string);
    res.locals.csrfToken = expected;
    if (!UNSAFE_METHODS.has(req.method)) return next();
    const sent: unknown = (req.body as Record<string, unknown> | undefined)?._csrf ?? req.get('x-csrf-token');
    if (
      typeof sent !== 'string' ||
      sent.length !== expected.length ||
      !crypto.timingSafeEqual(Buffer.from(sent), Buffer.from(expected))
    ) {
      logger.warn(`refused ${req.method} ${req.path}: missing or wrong CSRF token`);
      return renderErrorPage(
        res,
        403,
        'This form has expired or did not come from this panel. Go back, reload the page and try again.',
      );
    }
    next();
  });

  // Layout locals: who is signed in, navigation, warnings, the one-shot message.
  app.use(async (req: PanelRequest, res: Response, next: NextFunction) => {
    try {
      res.locals.admin = req.admin ? { username: req.admin.username } : null;
      res.locals.currentPath = req.path;
      res.locals.flash = takeFlash(req, res);
      res.locals.secure = secureFor(req);
      res.locals.demo = opts.demo ?? false;
      // Also on POST: a form re-rendered with its errors keeps the whole layout.
      if (req.admin && !req.path.startsWith('/assets/')) {
        const items = opts.contributors.flatMap((c) => c.navItems());
        res.locals.nav = items.map((i) => ({
          ...i,
          active: req.path === i.href || req.path.startsWith(i.href + '/'),
        }));
        res.locals.banners = (
          await Promise.all(opts.contributors.map((c) => c.banners().catch(() => [])))
        ).flat();
      }
      next();
    } catch (err) {
      next(err);
    }
  });

  app.useGlobalFilters(new PanelExceptionFilter(secureFor));
}
