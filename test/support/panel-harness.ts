// Boots the real panel (createServerApp: the same wiring as `serve`) on a fresh data folder, pointed at a
// fake Hetzner API, with its log captured so tests can assert that no secret is ever printed.
import { NestExpressApplication } from '@nestjs/platform-express';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { Clock } from '../../src/clock/clock';
import { AppConfig, loadConfig } from '../../src/config/app-config';
import { AuthService } from '../../src/host/auth/auth.service';
import { LineLogger } from '../../src/logging/line.logger';
import { createServerApp, prepareRuntime } from '../../src/runtime';
import { PanelRuntime } from '../../src/app.module';

export const TEST_PASSWORD_HASH_COST = '10';

export const ADMIN = { username: 'admin', password: 'correct horse battery staple' };

/** Every log line any harness produced in this test file: checked for secrets in afterAll hooks. */
export const capturedLogLines: string[] = [];

export interface PanelHarness {
  app: NestExpressApplication;
  rt: PanelRuntime;
  config: AppConfig;
  dataDir: string;
  logs: string[];
  /** An agent with no session. */
  anonymous(): TestAgent;
  /** Creates the admin (once) and returns an agent signed in as it. */
  signedIn(): Promise<TestAgent>;
  get<T>(token: unknown): T;
  close(): Promise<void>;
}

export function makeDataDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'snapshot-panel-test-'));
}

export async function startPanel(
  opts: {
    env?: Record<string, string | undefined>;
    clock?: Clock;
    dataDir?: string;
    role?: 'server' | 'cli';
    /** Settings that are no environment variable, e.g. a short page deadline for the Hetzner API. */
    config?: Partial<AppConfig>;
  } = {},
): Promise<PanelHarness> {
  const dataDir = opts.dataDir ?? makeDataDir();
  const loaded = loadConfig({
    DATA_DIR: dataDir,
    PORT: '0',
    TZ: 'Europe/Berlin',
    HCLOUD_ENDPOINT: 'http://127.0.0.1:9/v1',
    HCLOUD_METADATA_ENDPOINT: 'http://127.0.0.1:9/hetzner/v1/metadata',
    // A cheap scrypt cost: tests sign in hundreds of times (the default's cost is checked in auth tests).
    PASSWORD_HASH_COST: TEST_PASSWORD_HASH_COST,
    ...opts.env,
  } as NodeJS.ProcessEnv);
  const config: AppConfig = { ...loaded, ...opts.config };
  const logs: string[] = [];
  const logger = new LineLogger('debug', (line) => {
    logs.push(line);
    capturedLogLines.push(line);
  });
  const rt = await prepareRuntime(config, {
    role: opts.role ?? 'server',
    clock: opts.clock,
    log: (l) => logs.push(l),
  });
  const app = await createServerApp(rt, logger);
  await app.init();
  const server = app.getHttpServer();
  let adminCreated = false;
  return {
    app,
    rt,
    config,
    dataDir,
    logs,
    anonymous: () => request.agent(server),
    async signedIn() {
      if (!adminCreated) {
        const auth = app.get(AuthService);
        if (!(await auth.hasAdmin())) await auth.createAdmin(ADMIN.username, ADMIN.password);
        adminCreated = true;
      }
      const agent = request.agent(server);
      const csrf = await csrfFrom(agent, '/login');
      const res = await agent
        .post('/login')
        .type('form')
        .send({ ...ADMIN, _csrf: csrf });
      if (res.status !== 303) throw new Error(`sign-in failed: ${res.status} ${res.text.slice(0, 300)}`);
      return agent;
    },
    get: <T>(token: unknown) => app.get(token as never) as T,
    async close() {
      await app.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** GETs a page and returns the CSRF token of its first form. */
export async function csrfFrom(agent: TestAgent, pagePath: string): Promise<string> {
  const res = await agent.get(pagePath);
  const match = /name="_csrf" value="([^"]+)"/.exec(res.text);
  if (!match) throw new Error(`no CSRF field on ${pagePath} (status ${res.status})`);
  return match[1];
}

/** Every route registered on the Express app: method and path. */
export function registeredRoutes(app: NestExpressApplication): { method: string; path: string }[] {
  const express = app.getHttpAdapter().getInstance() as {
    router?: { stack: Layer[] };
    _router?: { stack: Layer[] };
  };
  type Layer = { route?: { path: string; methods: Record<string, boolean> } };
  const stack = (express.router ?? express._router)?.stack ?? [];
  return stack
    .filter((l) => l.route)
    .flatMap((l) =>
      Object.keys(l.route!.methods)
        .filter((m) => m !== '_all')
        .map((m) => ({ method: m.toUpperCase(), path: l.route!.path })),
    );
}
