// What the benchmarks run against: the fake Hetzner API in this process, the panel either in this process
// with a simulated clock (cycles of minutes take milliseconds) or as the real `node dist/cli.js serve` child
// process, and a signed-in browser stand-in (cookies, CSRF) speaking real HTTP on 127.0.0.1.
import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { NestExpressApplication } from '@nestjs/platform-express';
import { Clock } from '../src/clock/clock';
import { loadConfig } from '../src/config/app-config';
import { FakeHcloud } from '../src/fake-hcloud';
import { ScheduleRunnerService } from '../src/hetzner-snapshots/cycle/schedule-runner.service';
import { AuthService } from '../src/host/auth/auth.service';
import { LineLogger } from '../src/logging/line.logger';
import { PROJECT_ROOT } from '../src/project-root';
import { createServerApp, prepareRuntime } from '../src/runtime';

export const BUILT_CLI = path.join(PROJECT_ROOT, 'dist', 'cli.js');
/** What the bin's shebang (and `npm start`) give node: the benchmarks start the panel as it is started. */
export const BIN_NODE_ARGS = ['--v8-pool-size=1'];
export const TOKEN = 'bench-token-7c1e9a4f2b5d';
export const ADMIN = { username: 'bench', password: 'correct horse battery staple' };
export const AUTO_LABELS = { 'managed-by': 'snapshot-panel', 'snapshot-panel/kind': 'auto' };
export const TIME_ZONE = 'Europe/Berlin';
export const DAY_MS = 86_400_000;
export const HOUR_MS = 3_600_000;
const LISTEN_TIMEOUT_MS = 30_000;

export interface BenchWorld {
  fake: FakeHcloud;
  serverId: number;
  /** The environment a panel needs to manage the world's server through the fake. */
  env: Record<string, string>;
}

export async function startWorld(opts: {
  actionDurationMs: number;
  rateLimit?: number;
}): Promise<BenchWorld> {
  const fake = await FakeHcloud.start({ actionDurationMs: opts.actionDurationMs, rateLimit: opts.rateLimit });
  fake.addToken(TOKEN);
  const server = fake.addServer({ name: 'web-1' });
  return {
    fake,
    serverId: server.id,
    env: {
      HCLOUD_ENDPOINT: fake.apiEndpoint,
      HCLOUD_METADATA_ENDPOINT: fake.metadataEndpoint,
      HCLOUD_TOKEN: TOKEN,
      HCLOUD_SERVER_ID: String(server.id),
      TZ: TIME_ZONE,
    },
  };
}

/** The fake's clock, where sleeping moves time forward at once. */
export function simulatedClock(fake: FakeHcloud): Clock {
  return {
    now: () => fake.now(),
    async sleep(ms, signal) {
      if (signal?.aborted) throw signal.reason;
      fake.advance(ms);
      await new Promise((resolve) => setImmediate(resolve));
    },
  };
}

export function makeDataDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'snapshot-panel-bench-'));
}

export interface InProcessPanel {
  app: NestExpressApplication;
  url: string;
  get<T>(token: unknown): T;
  close(): Promise<void>;
}

/** The panel as `serve` wires it, in this process, listening on 127.0.0.1, with an admin to sign in as. */
export async function startInProcessPanel(
  world: Pick<BenchWorld, 'env'>,
  clock: Clock,
): Promise<InProcessPanel> {
  const dataDir = makeDataDir();
  const config = loadConfig({
    ...world.env,
    DATA_DIR: dataDir,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'error',
  });
  const rt = await prepareRuntime(config, { role: 'server', clock });
  const app = await createServerApp(rt, new LineLogger('error'));
  await app.listen(0, '127.0.0.1');
  await app.get(ScheduleRunnerService).whenStarted();
  await app.get(AuthService).createAdmin(ADMIN.username, ADMIN.password);
  const { port } = app.getHttpServer().address() as { port: number };
  return {
    app,
    url: `http://127.0.0.1:${port}`,
    get: <T>(token: unknown) => app.get(token as never) as T,
    async close() {
      await app.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A signed-in visitor: keeps cookies, sends the CSRF field, follows no redirects. */
export class WebSession {
  private readonly cookies = new Map<string, string>();

  constructor(private readonly baseUrl: string) {}

  async get(pagePath: string): Promise<{ status: number; text: string }> {
    const res = await fetch(this.baseUrl + pagePath, { headers: this.headers(), redirect: 'manual' });
    this.keep(res);
    return { status: res.status, text: await res.text() };
  }

  async signIn(username = ADMIN.username, password = ADMIN.password): Promise<void> {
    const form = await this.get('/login');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(form.text)?.[1];
    if (!csrf) throw new Error(`no sign-in form at /login (status ${form.status})`);
    const res = await fetch(`${this.baseUrl}/login`, {
      method: 'POST',
      headers: { ...this.headers(), 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ username, password, _csrf: csrf }).toString(),
      redirect: 'manual',
    });
    this.keep(res);
    await res.arrayBuffer();
    if (res.status !== 303) throw new Error(`sign-in failed with status ${res.status}`);
  }

  private headers(): Record<string, string> {
    const cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    return cookie ? { Cookie: cookie } : {};
  }

  private keep(res: Response): void {
    for (const header of res.headers.getSetCookie()) {
      const [pair] = header.split(';');
      const at = pair.indexOf('=');
      this.cookies.set(pair.slice(0, at).trim(), pair.slice(at + 1).trim());
    }
  }
}

export interface ChildPanel {
  child: ChildProcess;
  output: string[];
  exited: Promise<number | null>;
  /** Resolves with the URL once the panel prints that it listens. */
  listening: Promise<string>;
  stop(): Promise<void>;
}

/** `node dist/cli.js <args>` as a child process with the given environment. */
export function startChild(
  args: string[],
  env: Record<string, string>,
  stdin?: string,
  nodeArgs: string[] = [],
): ChildPanel {
  const child = spawn(process.execPath, [...BIN_NODE_ARGS, ...nodeArgs, BUILT_CLI, ...args], {
    cwd: PROJECT_ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: [stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  });
  if (stdin !== undefined) child.stdin?.end(stdin);
  const output: string[] = [];
  let resolveUrl!: (url: string) => void;
  let rejectUrl!: (err: Error) => void;
  const listening = new Promise<string>((resolve, reject) => {
    resolveUrl = resolve;
    rejectUrl = reject;
  });
  listening.catch(() => undefined);
  for (const stream of [child.stdout, child.stderr]) {
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => {
      output.push(chunk);
      const found = /Snapshot Panel is listening on (http:\/\/\S+)/.exec(output.join(''));
      if (found) resolveUrl(found[1]);
    });
  }
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  void exited.then((code) =>
    rejectUrl(new Error(`exited with ${code} before listening:\n${output.join('')}`)),
  );
  // The address is logged at level info: a quieter LOG_LEVEL would leave nothing to wait for.
  const giveUp = setTimeout(
    () => rejectUrl(new Error(`not listening after ${LISTEN_TIMEOUT_MS} ms:\n${output.join('')}`)),
    LISTEN_TIMEOUT_MS,
  );
  giveUp.unref();
  void listening.then(
    () => clearTimeout(giveUp),
    () => clearTimeout(giveUp),
  );
  return {
    child,
    output,
    exited,
    listening,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
    },
  };
}

/** Creates the admin the way an operator would: `snapshot-panel admin create`, password on standard input. */
export async function createAdminWithCli(env: Record<string, string>): Promise<void> {
  const cli = startChild(['admin', 'create', '--username', ADMIN.username], env, `${ADMIN.password}\n`);
  const code = await cli.exited;
  if (code !== 0) throw new Error(`admin create failed (${code}):\n${cli.output.join('')}`);
}

/** Resident set size of a process in bytes (Linux /proc), or null elsewhere. */
export function residentBytes(pid: number): number | null {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1];
    return kb ? Number(kb) * 1024 : null;
  } catch {
    return null;
  }
}

export function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
