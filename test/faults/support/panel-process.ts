// The built panel (`node dist/cli.js …`) as real child processes, for tests that kill it: `serve` waited
// for until it listens, and one-shot commands such as `run`. Every process gets the shifted-clock preload,
// so the test can move its time forward across restarts (see shifted-clock.preload.cjs).
import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export const PROJECT_DIR = path.resolve(__dirname, '..', '..', '..');
export const BUILT_CLI = path.join(PROJECT_DIR, 'dist', 'cli.js');
const PRELOAD = path.join(__dirname, 'shifted-clock.preload.cjs');
const LISTENING = /Snapshot Panel is listening on (http:\/\/\S+)/;

export interface PanelProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  /** Everything it printed, both streams, line by line. */
  readonly output: string[];
  /** Resolves with the exit code (null when killed by a signal) and the signal. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGKILL, at once (synchronous), unless it has already exited. Returns whether a signal was sent. */
  killNow(): boolean;
  killed(): boolean;
}

export interface ServingPanel extends PanelProcess {
  url: string;
}

/** Fails with a clear message when `npm run build` has not been run (`npm test` runs it first). */
export function assertBuilt(): void {
  if (!fs.existsSync(BUILT_CLI)) {
    throw new Error(
      `${path.relative(PROJECT_DIR, BUILT_CLI)} is missing: run \`npm run build\` first (npm test does).`,
    );
  }
}

export function startPanelProcess(
  args: string[],
  env: Record<string, string>,
  clockShiftMs: number,
): PanelProcess {
  const child = spawn(process.execPath, ['--require', PRELOAD, BUILT_CLI, ...args], {
    cwd: PROJECT_DIR,
    env: { PATH: process.env.PATH ?? '', ...env, SNAPSHOT_PANEL_TEST_CLOCK_SHIFT_MS: String(clockShiftMs) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const collect = (stream: NodeJS.ReadableStream | null) => {
    let rest = '';
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => {
      const lines = (rest + chunk).split('\n');
      rest = lines.pop() ?? '';
      output.push(...lines);
    });
    stream?.on('end', () => rest && output.push(rest));
  };
  collect(child.stdout);
  collect(child.stderr);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  let sentKill = false;
  return {
    child,
    pid: child.pid as number,
    output,
    exited,
    killNow: () => {
      if (child.exitCode !== null || child.signalCode !== null || sentKill) return false;
      sentKill = child.kill('SIGKILL');
      return sentKill;
    },
    killed: () => sentKill,
  };
}

/** `serve`, resolved once it prints the address it listens on. */
export async function startServing(env: Record<string, string>, clockShiftMs: number): Promise<ServingPanel> {
  const panel = startServe(env, clockShiftMs);
  return { ...panel, url: await listeningUrl(panel) };
}

/** `serve`, just spawned: its scheduler starts (and resumes cut-off runs) before it listens. */
export function startServe(env: Record<string, string>, clockShiftMs: number): PanelProcess {
  return startPanelProcess(['serve'], { PORT: '0', HOST: '127.0.0.1', ...env }, clockShiftMs);
}

/** The address `serve` prints once it listens; rejects when it exits first or takes longer than `timeoutMs`. */
export function listeningUrl(panel: PanelProcess, timeoutMs = 30_000): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    let settled = false;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      outcome();
    };
    const timer = setTimeout(() => {
      panel.killNow();
      settle(() =>
        reject(new Error(`serve did not start within ${timeoutMs} ms:\n${panel.output.join('\n')}`)),
      );
    }, timeoutMs);
    const look = () => {
      if (settled) return;
      const found = panel.output.map((line) => LISTENING.exec(line)).find(Boolean);
      if (found) settle(() => resolve(found[1]));
      else setTimeout(look, 20);
    };
    void panel.exited.then(({ code, signal }) =>
      settle(() =>
        reject(new Error(`serve exited (${code ?? signal}) before listening:\n${panel.output.join('\n')}`)),
      ),
    );
    look();
  });
}

/** Stops a process and waits for it to be gone. */
export async function stop(panel: PanelProcess | null, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  if (!panel || panel.child.exitCode !== null || panel.child.signalCode !== null) return;
  if (signal === 'SIGKILL') panel.killNow();
  else panel.child.kill(signal);
  await panel.exited;
}
