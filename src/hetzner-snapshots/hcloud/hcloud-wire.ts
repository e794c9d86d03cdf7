// The wire under the Hetzner client, as pure functions: the request's headers, query strings and pages, the
// RateLimit-* headers, what one attempt came to (the answer's JSON, or how an answer that is not a success, the
// API's error envelope, a bare proxy status, no answer at all, becomes one HcloudApiError) and the Date header's
// clock. The client does the requesting and the retrying; this file only shapes what goes and reads what came back.
import { HcloudApiError } from './hcloud-api.error';
import type { AttemptFailure, RequestSafety } from './hcloud-retry.policy';
import type { HcloudRateLimit, HcloudRequestEvent, ListImagesFilter } from './hcloud.types';
import type { AnswerHeaders } from './http-exchange';

/** The API's maximum page size; fewer pages means fewer requests from the shared hourly budget. */
export const LIST_PER_PAGE = 50;

export interface WireRequest {
  method: string;
  path: string;
}

/** One call of the client's: how it may be retried, its body, the caller's cancellation. */
export interface RequestSpec extends WireRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Relative to the endpoint, query string included. */
  path: string;
  body?: unknown;
  safety: RequestSafety;
  signal?: AbortSignal;
}

/**
 * A signal that aborts when any of the given ones does, until `release()` (call it once the request is over);
 * undefined when none is given. Not AbortSignal.any: that ties each result to its long-lived sources (the
 * shutdown signal) through weak references and finalization callbacks, which the 1,000-cycle memory bench
 * saw pile up; here the listeners go as soon as the request is over.
 */
export function combinedSignal(...signals: (AbortSignal | undefined)[]): {
  signal: AbortSignal | undefined;
  release: () => void;
} {
  const given = signals.filter((s): s is AbortSignal => s !== undefined);
  if (given.length <= 1) return { signal: given[0], release: () => undefined };
  const controller = new AbortController();
  const aborted = given.find((s) => s.aborted);
  if (aborted) {
    controller.abort(aborted.reason);
    return { signal: controller.signal, release: () => undefined };
  }
  function release(): void {
    for (const s of given) s.removeEventListener('abort', onAbort);
  }
  function onAbort(this: AbortSignal): void {
    controller.abort(this.reason);
    release();
  }
  for (const s of given) s.addEventListener('abort', onAbort, { once: true });
  return { signal: controller.signal, release };
}

export type QueryValue = string | number | boolean | readonly (string | number)[] | undefined;

/** What one request came to: the whole answer (its RateLimit-* headers read), or why none came. */
export type Exchange =
  | {
      answered: true;
      status: number;
      headers: AnswerHeaders;
      text: string;
      rateLimit: HcloudRateLimit | null;
    }
  | { answered: false; timedOut: boolean; err: unknown };

/** One attempt's result: the answer's JSON, or the error with what the retry policy needs to judge it. */
export type AttemptOutcome<T> =
  { ok: true; value: T } | { ok: false; failure: AttemptFailure; error: HcloudApiError };

/** The headers every request carries; Content-Type only with a body. */
export function requestHeaders(
  auth: { token: string; userAgent: string },
  hasBody: boolean,
): Record<string, string> {
  const headers: Record<string, string> = {
    Authorization: `Bearer ${auth.token}`,
    'User-Agent': auth.userAgent,
    Accept: 'application/json',
  };
  if (hasBody) headers['Content-Type'] = 'application/json';
  return headers;
}

export function buildQuery(params: [string, QueryValue][]): string {
  const parts: string[] = [];
  for (const [key, value] of params) {
    if (value === undefined) continue;
    const values = Array.isArray(value) ? value : [value as string | number | boolean];
    for (const v of values) parts.push(`${key}=${encodeURIComponent(String(v))}`);
  }
  return parts.join('&');
}

function isErrorEnvelope(
  body: unknown,
): body is { error: { code: string; message?: string; details?: unknown } } {
  if (typeof body !== 'object' || body === null || !('error' in body)) return false;
  const error = (body as { error: unknown }).error;
  return typeof error === 'object' && error !== null && typeof (error as { code: unknown }).code === 'string';
}

export function networkCodeOf(err: unknown): string | undefined {
  // node:http rejects with the system error itself; fetch wrapped it as `cause` (sometimes nested once more).
  let e: unknown = err;
  for (let depth = 0; depth < 4 && e && typeof e === 'object'; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  423: 'Locked',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** `page=N&per_page=50` */
export function pageQuery(page: number): string {
  return buildQuery([
    ['page', page],
    ['per_page', LIST_PER_PAGE],
  ]);
}

/** Every item across all pages, following next_page; a next page that does not move forward ends the list. */
export async function allPages<T>(
  fetchPage: (page: number) => Promise<{ items: T[]; nextPage: number | null }>,
): Promise<T[]> {
  const items: T[] = [];
  let page: number | null = 1;
  while (page !== null) {
    const res = await fetchPage(page);
    items.push(...res.items);
    // A next page that does not move forward would loop forever; treat it as the end.
    page = res.nextPage !== null && res.nextPage > page ? res.nextPage : null;
  }
  return items;
}

/** The RateLimit-* headers of an answer; null when any is missing or unreadable. */
export function readRateLimit(headers: AnswerHeaders): HcloudRateLimit | null {
  const raw = ['ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset'].map((name) => headers.get(name));
  // A response from a proxy in front of the API (e.g. a bare 502) has none; keep the last known values then.
  if (raw.some((v) => v === null || v.trim() === '')) return null;
  const [limit, remaining, reset] = raw.map(Number);
  if (![limit, remaining, reset].every(Number.isFinite)) return null;
  return { limit, remaining, resetAt: new Date(reset * 1000) };
}

/** No answer came: our own timeout fired, or the connection failed (with the system's code when known). */
export function noAnswerError(
  req: WireRequest,
  why: { timedOut: boolean; timeoutMs: number; err: unknown },
): HcloudApiError {
  const base = { method: req.method, path: req.path, status: 0 };
  if (why.timedOut) {
    return new HcloudApiError({
      ...base,
      code: 'timeout',
      message: `Hetzner Cloud API did not answer ${req.method} ${req.path} within ${why.timeoutMs} ms`,
    });
  }
  const networkCode = networkCodeOf(why.err);
  return new HcloudApiError({
    ...base,
    code: 'network_error',
    networkCode,
    message: `Could not reach the Hetzner Cloud API for ${req.method} ${req.path}${networkCode ? ` (${networkCode})` : ''}`,
  });
}

/** An answer's body: JSON, nothing (parsed, undefined), or not JSON (`parsed: false`). */
export function parseBody(text: string): { body: unknown; parsed: boolean } {
  if (text.length === 0) return { body: undefined, parsed: true };
  try {
    return { body: JSON.parse(text) as unknown, parsed: true };
  } catch {
    return { body: undefined, parsed: false };
  }
}

/** The call's total budget (deadlineMs) ran out, retries included. */
export function deadlineError(req: WireRequest, deadlineMs: number | undefined): HcloudApiError {
  return new HcloudApiError({
    status: 0,
    code: 'timeout',
    method: req.method,
    path: req.path,
    message: `Hetzner Cloud API did not answer ${req.method} ${req.path} within ${deadlineMs} ms (retries included)`,
  });
}

/** An HTTP error answer: the API's envelope when there is one (its message passed through `redact`), else `http_<status>`. */
export function errorOfAnswer(
  req: WireRequest,
  answer: { status: number; body: unknown; correlationId?: string; rateLimit: HcloudRateLimit | null },
  redact: (text: string) => string,
): { error: HcloudApiError; hasEnvelope: boolean } {
  const { status } = answer;
  const envelope = isErrorEnvelope(answer.body) ? answer.body.error : undefined;
  const code = envelope ? envelope.code : `http_${status}`;
  const message = envelope
    ? redact(String(envelope.message ?? code))
    : `Hetzner Cloud API answered ${req.method} ${req.path} with HTTP ${status}${STATUS_TEXT[status] ? ` ${STATUS_TEXT[status]}` : ''} and no error details`;
  const rateLimitResetAt =
    status === 429 || code === 'rate_limit_exceeded' ? answer.rateLimit?.resetAt : undefined;
  const error = new HcloudApiError({
    status,
    code,
    message,
    details: envelope?.details,
    method: req.method,
    path: req.path,
    correlationId: answer.correlationId,
    rateLimitResetAt,
  });
  return { error, hasEnvelope: envelope !== undefined };
}

/** GET /images' filters as a query string (without the page). */
export function imageFilterQuery(filter: ListImagesFilter): string {
  return buildQuery([
    ['type', filter.type],
    ['status', filter.status],
    ['bound_to', filter.bound_to],
    ['include_deprecated', filter.include_deprecated],
    ['name', filter.name],
    ['label_selector', filter.label_selector],
    ['architecture', filter.architecture],
    ['sort', filter.sort],
  ]);
}

/** No answer came: the error, and how the retry policy sees it (a timeout, or a network failure). */
export function noAnswerOutcome(
  req: WireRequest,
  why: { timedOut: boolean; timeoutMs: number; err: unknown },
): { ok: false; failure: AttemptFailure; error: HcloudApiError } {
  const error = noAnswerError(req, why);
  const failure: AttemptFailure = why.timedOut
    ? { kind: 'timeout' }
    : { kind: 'network', networkCode: error.networkCode };
  return { ok: false, failure, error };
}

/** An answer: its JSON body on a 2xx (not JSON is `invalid_response`), else the error it carries (errorOfAnswer). */
export function answerOutcome<T>(
  req: WireRequest,
  answer: { status: number; text: string; headers: AnswerHeaders; rateLimit: HcloudRateLimit | null },
  redact: (text: string) => string,
): AttemptOutcome<T> {
  const { status, rateLimit } = answer;
  const { body, parsed } = parseBody(answer.text);

  const correlationId = answer.headers.get('x-correlation-id') ?? undefined;
  if (status >= 200 && status < 300) {
    if (!parsed) {
      const error = new HcloudApiError({
        status,
        code: 'invalid_response',
        message: `Hetzner Cloud API answered ${req.method} ${req.path} with a body that is not JSON`,
        method: req.method,
        path: req.path,
        correlationId,
      });
      return { ok: false, failure: { kind: 'http', status, code: error.code, hasEnvelope: false }, error };
    }
    return { ok: true, value: body as T };
  }

  const { error, hasEnvelope } = errorOfAnswer(req, { status, body, correlationId, rateLimit }, redact);
  const failure: AttemptFailure = {
    kind: 'http',
    status,
    code: error.code,
    hasEnvelope,
    rateLimitResetAt: error.rateLimitResetAt,
  };
  return { ok: false, failure, error };
}

/** Hetzner's clock from an answer's `Date` header, with this client's clock half-way through the request. */
export function serverTimeOfAnswer(
  req: WireRequest,
  answer: { status: number; headers: AnswerHeaders },
  local: { beforeMs: number; afterMs: number },
): { serverTime: Date; localMs: number; roundTripMs: number } {
  const header = answer.headers.get('date');
  const parsed = header ? Date.parse(header) : NaN;
  if (!Number.isFinite(parsed)) {
    throw new HcloudApiError({
      status: answer.status,
      code: 'invalid_response',
      method: req.method,
      path: req.path,
      message: `Hetzner Cloud API answered ${req.method} ${req.path} without a readable Date header`,
    });
  }
  // The header has whole seconds, cut off: the server's true time lies in [date, date + 1 s).
  return {
    serverTime: new Date(parsed + 500),
    localMs: Math.round((local.beforeMs + local.afterMs) / 2),
    roundTripMs: local.afterMs - local.beforeMs,
  };
}

/**
 * AbortSignal.timeout, but with a timer that is cleared once the request is over: AbortSignal.timeout's timer
 * (and its closure) lives until it fires, 30 s after every background request, whether it answered or not.
 */
export function timeoutSignal(ms: number): { signal: AbortSignal; clear: () => void } {
  const controller = new AbortController();
  const timer = setTimeout(
    () => controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError')),
    ms,
  );
  timer.unref();
  return { signal: controller.signal, clear: () => clearTimeout(timer) };
}

/** Reports one attempt to the client's request observer, with how long it took since this was called. */
export function requestReporter(
  onRequest: ((e: HcloudRequestEvent) => void) | undefined,
  spec: { method: string; path: string },
  attempt: number,
): (status: HcloudRequestEvent['status'], rateLimit?: HcloudRateLimit) => void {
  const started = performance.now();
  return (status, rateLimit) =>
    onRequest?.({
      method: spec.method,
      path: spec.path,
      status,
      attempt,
      durationMs: Math.round(performance.now() - started),
      ...(rateLimit ? { rateLimit } : {}),
    });
}
