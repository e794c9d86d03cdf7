// Runs the consistency hooks (PRE_SNAPSHOT_COMMAND / POST_SNAPSHOT_COMMAND from the host's configuration,
// never from a web form) through /bin/sh with a timeout, and reports their outcome and trimmed output.
import { Injectable } from '@nestjs/common';
import { spawn } from 'node:child_process';
import { redactSecrets } from '../../logging/line.logger';
import { trimHookOutput } from './cycle.decisions';

export type HookPhase = 'pre' | 'post';

export interface HookOutcome {
  ok: boolean;
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  /** stdout and stderr interleaved, trimmed (see trimHookOutput); the command itself is not recorded, it may hold a password. */
  output: string;
  durationMs: number;
  /** When the command could not be started at all. */
  error?: string;
}

/** What hooks_json of a cycle run holds. */
export interface CycleHooks {
  pre?: HookOutcome;
  post?: HookOutcome;
}

// Streaming output is capped well above what is stored, so a chatty command cannot fill the memory.
const CAPTURE_LIMIT = 64 * 1024;
const KILL_GRACE_MS = 2_000;

@Injectable()
export class SnapshotHookRunner {
  /**
   * Runs `/bin/sh -c command` in its own process group with `env` added to the panel's environment (minus its
   * secrets). On timeout or abort the whole group gets SIGTERM, then SIGKILL after a grace period.
   */
  run(
    command: string,
    opts: { timeoutMs: number; env?: Record<string, string>; signal?: AbortSignal },
  ): Promise<HookOutcome> {
    const started = Date.now();
    return new Promise<HookOutcome>((resolve) => {
      let output = '';
      let timedOut = false;
      let settled = false;
      const append = (chunk: Buffer) => {
        output += chunk.toString('utf8');
        if (output.length > CAPTURE_LIMIT) output = output.slice(output.length - CAPTURE_LIMIT);
      };
      const finish = (outcome: Omit<HookOutcome, 'durationMs' | 'output'>) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        clearTimeout(killTimer);
        opts.signal?.removeEventListener('abort', onAbort);
        resolve({
          ...outcome,
          output: redactSecrets(trimHookOutput(output)),
          durationMs: Date.now() - started,
        });
      };

      const child = spawn('/bin/sh', ['-c', command], {
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: hookEnvironment(opts.env),
      });
      child.stdout.on('data', append);
      child.stderr.on('data', append);

      let killTimer: NodeJS.Timeout | undefined;
      const killGroup = () => {
        signalGroup(child.pid, 'SIGTERM');
        killTimer = setTimeout(() => {
          signalGroup(child.pid, 'SIGKILL');
          // A process that left the group may still hold the pipes open; do not wait for it.
          setTimeout(
            () => finish({ ok: false, exitCode: null, signal: 'SIGKILL', timedOut }),
            KILL_GRACE_MS,
          ).unref();
        }, KILL_GRACE_MS);
        killTimer.unref();
      };
      const timer = setTimeout(() => {
        timedOut = true;
        killGroup();
      }, opts.timeoutMs);
      timer.unref();
      const onAbort = () => killGroup();
      if (opts.signal?.aborted) killGroup();
      else opts.signal?.addEventListener('abort', onAbort, { once: true });

      child.on('error', (err) =>
        finish({ ok: false, exitCode: null, signal: null, timedOut, error: err.message }),
      );
      child.on('close', (code, signal) =>
        finish({ ok: code === 0 && !timedOut, exitCode: code, signal: signal ?? null, timedOut }),
      );
    });
  }
}

function signalGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (!pid) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

/** The panel's environment for the hook, without the API token and the master key: a hook needs neither. */
function hookEnvironment(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  // The hook inherits the service's environment (PATH, HOME...) like any command the admin configured.
  // eslint-disable-next-line no-restricted-properties
  const { HCLOUD_TOKEN: _token, SECRET_KEY: _key, ...inherited } = process.env;
  return { ...inherited, ...extra };
}

/** One sentence on a hook that did not succeed, for the run's error message. */
export function describeHookFailure(phase: HookPhase, outcome: HookOutcome, timeoutMs: number): string {
  const name =
    phase === 'pre'
      ? 'pre-snapshot command (PRE_SNAPSHOT_COMMAND)'
      : 'post-snapshot command (POST_SNAPSHOT_COMMAND)';
  let why: string;
  if (outcome.timedOut)
    why = `did not finish within ${Math.round(timeoutMs / 1000)} s (SNAPSHOT_HOOK_TIMEOUT_SECONDS) and was stopped`;
  else if (outcome.error) why = `could not be started (${outcome.error})`;
  else if (outcome.signal) why = `was ended by signal ${outcome.signal}`;
  else why = `exited with status ${outcome.exitCode}`;
  const lastLine = outcome.output.split('\n').filter(Boolean).pop();
  return `The ${name} ${why}${lastLine ? `: ${lastLine}` : ''}.`;
}
