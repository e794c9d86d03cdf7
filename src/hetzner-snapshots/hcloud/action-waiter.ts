import { HcloudActionFailedError } from './hcloud-api.error';
import type { HcloudAction } from './hcloud.types';

export interface WaitForActionOptions {
  signal?: AbortSignal;
  /** First poll interval, default 1000 ms; doubles after each poll. */
  initialIntervalMs?: number;
  /** Interval cap, default 30000 ms. */
  maxIntervalMs?: number;
  /** The wait before poll `poll` (0-based), replacing the doubling schedule (e.g. one learned from past runs). */
  delayMs?: (poll: number) => number;
  /** Called with every state seen, including the one passed in. */
  onProgress?: (action: HcloudAction) => void;
}

export interface ActionWaiterDeps {
  getAction(id: number, signal?: AbortSignal): Promise<HcloudAction>;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const DEFAULT_POLL_INITIAL_MS = 1_000;
export const DEFAULT_POLL_MAX_MS = 30_000;

/** Interval before poll number `poll` (0-based): initial × 2^poll, capped. */
export function pollIntervalMs(
  poll: number,
  initialMs = DEFAULT_POLL_INITIAL_MS,
  maxMs = DEFAULT_POLL_MAX_MS,
): number {
  return Math.min(maxMs, initialMs * 2 ** poll);
}

function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw signal.reason ?? new DOMException('The operation was aborted.', 'AbortError');
}

/**
 * Polls GET /actions/{id} until the action leaves `running`. The interval grows (1 s, 2 s, 4 s … 30 s) because
 * most actions finish in seconds while snapshots of big disks run for many minutes and every poll costs from the
 * project's shared hourly request budget. There is deliberately no overall deadline: stop it with `signal`.
 */
export async function waitForAction(
  deps: ActionWaiterDeps,
  action: HcloudAction | number,
  opts: WaitForActionOptions = {},
): Promise<HcloudAction> {
  const { signal, onProgress } = opts;
  const initial = opts.initialIntervalMs ?? DEFAULT_POLL_INITIAL_MS;
  const max = opts.maxIntervalMs ?? DEFAULT_POLL_MAX_MS;

  throwIfAborted(signal);
  let current = typeof action === 'number' ? await deps.getAction(action, signal) : action;
  onProgress?.(current);

  for (let poll = 0; current.status === 'running'; poll++) {
    await deps.sleep(opts.delayMs ? opts.delayMs(poll) : pollIntervalMs(poll, initial, max), signal);
    // An injected sleep may ignore the signal, so look again before spending a request.
    throwIfAborted(signal);
    current = await deps.getAction(current.id, signal);
    onProgress?.(current);
  }

  if (current.status === 'error') throw new HcloudActionFailedError(current);
  return current;
}
