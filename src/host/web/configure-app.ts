// The one place the HTTP application is wired: security headers, body limits, cookies, sessions, CSRF,
// views, static assets and error pages. main (serve), demo and every e2e test call createPanelApp, so
// tests run the real wiring.
import { DynamicModule, LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import cookieParser from 'cookie-parser';
import { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';
import * as path from 'node:path';
import { AppConfig } from '../../config/app-config';
import { SecretKeys } from '../../secrets/secret-keys';
import { AuthService } from '../auth/auth.service';
import { CsrfTokens, csrfProtection } from './csrf';
import { formBodies } from './form-bodies';
import { PanelExceptionFilter } from './panel-exception.filter';
import { setFlashKey, takeFlash } from './flash';
import { LayoutContributor } from './layout-contributor';
import { PanelRequest, SESSION_COOKIE } from './request-context';
import { configureViews } from './views';

import { PROJECT_ROOT } from '../../project-root';

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
  setFlashKey(keys.flash);

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
      // Nothing leaves for other sites, and our own form posts carry their real Origin (under no-referrer a
      // browser sends "Origin: null", which the CSRF check must refuse: a forging page can send it too).
      referrerPolicy: { policy: 'same-origin' },
    }),
  );
  app.useStaticAssets(path.join(PROJECT_ROOT, 'public'), { prefix: '/assets/', maxAge: '1h', index: false });
  configureViews(app, PROJECT_ROOT);

  // Nothing the panel serves past this point may be kept by a browser or proxy: signed-in pages hold snapshot
  // lists and settings, and the sign-in and setup pages hold their form tokens. Static assets above stay cacheable.
  app.use((_req: Request, res: Response, next: NextFunction) => {
    res.set('Cache-Control', 'no-store');
    next();
  });
  app.use(formBodies());
  app.use(cookieParser());

  const secureFor = (req: Request) => config.secureCookies ?? req.secure;

  // Session: resolve the admin behind the cookie before any guard runs.
  app.use(async (req: PanelRequest, _res: Response, next: NextFunction) => {
    try {
      const cookie: unknown = req.cookies?.[SESSION_COOKIE];
      if (typeof cookie === 'string') {
        const found = await auth.resolveSession(cookie);
        if (found) {
          req.admin = found.admin;
          req.sessionCookie = cookie;
          req.sessionId = found.session.tokenHash;
        }
      }
      next();
    } catch (err) {
      next(err);
    }
  });

  app.use(csrfProtection({ tokens: new CsrfTokens(keys.csrf), secureFor }));

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
