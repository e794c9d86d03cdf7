// Pure retry decisions for the Hetzner Cloud client: should this failed attempt be repeated, and after how long.
// Matches hcloud-go (client_handler_retry.go) and hcloud-python: exponential backoff 1 s × 2 capped at 60 s with
// jitter; retry `conflict`, `rate_limit_exceeded`, `timeout`, 502/503/504, network errors; never `locked` (423).

/**
 * `idempotent`: repeating it leaves the account as one request would (GET, PUT, DELETE, setting protection).
 * `creates`: a POST that starts something new (create_image makes one more snapshot, rebuild wipes the disk again),
 * so it is repeated only when the API certainly did not act on it.
 */
export type RequestSafety = 'idempotent' | 'creates';

export type AttemptFailure =
  /** An HTTP error response. `hasEnvelope`: the body was the API's `{error:{code,message}}` JSON. */
  | { kind: 'http'; status: number; code: string; hasEnvelope: boolean; rateLimitResetAt?: Date }
  /** Our own per-request timeout fired: the request may have reached the API and been acted on. */
  | { kind: 'timeout' }
  /** The connection failed; `networkCode` is the system error code (ECONNREFUSED, ECONNRESET...). */
  | { kind: 'network'; networkCode?: string };

export const BACKOFF_BASE_MS = 1_000;
export const BACKOFF_MULTIPLIER = 2;
export const BACKOFF_CAP_MS = 60_000;
/** The longest a 429 waits for RateLimit-Reset before trying again (see rateLimitDelayMs). */
export const RATE_LIMIT_WAIT_CAP_MS = 60_000;
/** Upper bound of the random extra added to a RateLimit-Reset wait, so servers sharing a project do not stampede. */
export const RATE_LIMIT_JITTER_MS = 1_000;

// Failures where no byte of the request reached the API: connection refused, name resolution failed.
const NOT_SENT_NETWORK_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);

function isRateLimited(f: Extract<AttemptFailure, { kind: 'http' }>): boolean {
  return f.status === 429 || f.code === 'rate_limit_exceeded';
}

/** Is repeating this failed request both useful and safe? */
export function isRetryable(failure: AttemptFailure, safety: RequestSafety): boolean {
  if (safety === 'idempotent') {
    switch (failure.kind) {
      case 'timeout':
      case 'network':
        return true;
      case 'http':
        return (
          isRateLimited(failure) ||
          failure.code === 'conflict' ||
          failure.code === 'timeout' ||
          failure.status === 502 ||
          failure.status === 503 ||
          failure.status === 504
        );
    }
  }
  // A creating POST is repeated only when the API certainly did not act on it. After our timeout, a dropped
  // connection, a 502/504 or a 504 `timeout`, the API may already have started the snapshot or the rebuild, and a
  // second one would mean a duplicate snapshot (costs money, counts against the limit) or a second rebuild.
  // 429 and 409 `conflict` are rejections before anything happens; a 503 that carries the API's own error envelope
  // comes from the API refusing the request; a refused connection never delivered it.
  switch (failure.kind) {
    case 'timeout':
      return false;
    case 'network':
      return failure.networkCode !== undefined && NOT_SENT_NETWORK_CODES.has(failure.networkCode);
    case 'http':
      return (
        isRateLimited(failure) ||
        failure.code === 'conflict' ||
        (failure.status === 503 && failure.hasEnvelope)
      );
  }
}

/**
 * Backoff before retry number `retry` (0 = before the first retry): base 1 s × 2^retry, capped at 60 s,
 * with equal jitter (half fixed, half random) so clients that failed together do not retry together.
 */
export function backoffDelayMs(retry: number, random: () => number): number {
  const exp = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * BACKOFF_MULTIPLIER ** retry);
  return Math.round(exp / 2 + random() * (exp / 2));
}

/**
 * Wait after a 429. RateLimit-Reset is when the budget is *full* again, which can be up to an hour away, while
 * the budget refills one request per second; so wait until the reset but at most 60 s, at least the base backoff,
 * plus up to 1 s of jitter.
 */
export function rateLimitDelayMs(resetAt: Date, nowMs: number, random: () => number): number {
  const untilReset = resetAt.getTime() - nowMs;
  const wait = Math.min(RATE_LIMIT_WAIT_CAP_MS, Math.max(BACKOFF_BASE_MS, untilReset));
  return Math.round(wait + random() * RATE_LIMIT_JITTER_MS);
}

export type RetryDecision = { retry: false } | { retry: true; delayMs: number };

export interface RetryContext {
  safety: RequestSafety;
  /** How many retries already happened for this request (0 after the first attempt failed). */
  retriesSoFar: number;
  maxRetries: number;
  random: () => number;
  nowMs: number;
}

export function decideRetry(failure: AttemptFailure, ctx: RetryContext): RetryDecision {
  if (ctx.retriesSoFar >= ctx.maxRetries || !isRetryable(failure, ctx.safety)) return { retry: false };
  if (failure.kind === 'http' && isRateLimited(failure) && failure.rateLimitResetAt) {
    return { retry: true, delayMs: rateLimitDelayMs(failure.rateLimitResetAt, ctx.nowMs, ctx.random) };
  }
  return { retry: true, delayMs: backoffDelayMs(ctx.retriesSoFar, ctx.random) };
}
