// Start-up steps shared by `serve`, the CLI commands and the e2e tests: validated config, keys, the
// migrated database, and the Nest application or application context on top of them.
import { INestApplicationContext, LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { buildAppModule, PanelRuntime } from './app.module';
import { Clock, systemClock } from './clock/clock';
import { AppConfig } from './config/app-config';
import { openDatabase } from './database/data-source';
import { usePasswordHashCost } from './host/auth/password.hasher';
import { HETZNER_SNAPSHOTS_LAYOUT } from './hetzner-snapshots/hetzner-snapshots.options';
import { createPanelApp } from './host/web/configure-app';
import { loadSecretKeys } from './secrets/secret-keys';

export async function prepareRuntime(
  config: AppConfig,
  opts: { role: PanelRuntime['role']; clock?: Clock; demo?: boolean; log?: (line: string) => void },
): Promise<PanelRuntime> {
  usePasswordHashCost(config.passwordHashCost);
  const keys = loadSecretKeys({ secretKey: config.secretKey, dataDir: config.dataDir });
  const dataSource = await openDatabase({
    dataDir: config.dataDir,
    databasePath: config.databasePath,
    log: opts.log,
  });
  return {
    config,
    keys,
    dataSource,
    clock: opts.clock ?? systemClock,
    role: opts.role,
    demo: opts.demo ?? false,
  };
}

export function createServerApp(rt: PanelRuntime, logger?: LoggerService): Promise<NestExpressApplication> {
  return createPanelApp(buildAppModule(rt), {
    config: rt.config,
    keys: rt.keys,
    logger,
    demo: rt.demo,
    contributorTokens: [HETZNER_SNAPSHOTS_LAYOUT],
  });
}

export async function createCliContext(
  rt: PanelRuntime,
  logger?: LoggerService,
): Promise<INestApplicationContext> {
  const ctx = await NestFactory.createApplicationContext(buildAppModule(rt), {
    logger: logger ?? ['error', 'warn'],
    abortOnError: false,
  });
  await ctx.init();
  return ctx;
}
