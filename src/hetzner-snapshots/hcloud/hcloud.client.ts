// Owns every HTTP request the panel makes to the Hetzner Cloud API: typed methods, auth and User-Agent headers,
// per-request timeouts, retries with jittered backoff that honour RateLimit-Reset, pagination, action polling.
// Plain TypeScript with no NestJS imports; the rest of the panel reaches Hetzner only through this folder.

import { waitForAction, type WaitForActionOptions } from './action-waiter';
import { HcloudApiError } from './hcloud-api.error';
import { type AttemptFailure, decideRetry, type RequestSafety } from './hcloud-retry.policy';
import type {
  HcloudAction,
  HcloudImage,
  HcloudLabels,
  HcloudPricing,
  HcloudRateLimit,
  HcloudRequestEvent,
  HcloudServer,
  ListImagesFilter,
  Pagination,
} from './hcloud.types';
import { checkToken, type TokenCheckResult, WRITE_PROBE } from './token-check';

export interface HcloudClientOptions {
  /** e.g. https://api.hetzner.cloud/v1 (a trailing slash is fine). */
  endpoint: string;
  token: string;
  /** 'snapshot-panel/<version>' */
  userAgent: string;
  /** Per request (each attempt), default 30 000 ms. */
  timeoutMs?: number;
  /** Default 5. */
  maxRetries?: number;
  /**
   * A total budget per call, in ms of real time: every attempt, the backoff between them and the reading of the
   * answer. When it runs out the call fails with code `timeout` and no further retry. Unset: no total budget
   * (background jobs), only `timeoutMs` per attempt.
   */
  deadlineMs?: number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Jitter source in [0, 1). */
  random?: () => number;
  /** ms since the epoch, for RateLimit-Reset math. */
  now?: () => number;
  onRequest?: (e: HcloudRequestEvent) => void;
}

export interface ImageChangeRequest {
  description?: string;
  labels?: HcloudLabels;
}

/** What the rest of the panel codes against, so tests can hand in a typed fake instead of the HTTP client. */
export type HcloudApi = Pick<
  HcloudClient,
  | 'getServer'
  | 'createImage'
  | 'listImages'
  | 'getImage'
  | 'updateImage'
  | 'deleteImage'
  | 'changeImageProtection'
  | 'rebuildServer'
  | 'getAction'
  | 'waitForAction'
  | 'getPricing'
  | 'checkToken'
  | 'lastRateLimit'
>;

export const DEFAULT_TIMEOUT_MS = 30_000;
export const DEFAULT_MAX_RETRIES = 5;
/** The API's maximum page size; fewer pages means fewer requests from the shared hourly budget. */
export const LIST_PER_PAGE = 50;

/** Resolves after `ms`, or rejects with the signal's reason as soon as it aborts. */
export function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

interface RequestSpec {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Relative to the endpoint, query string included. */
  path: string;
  body?: unknown;
  safety: RequestSafety;
  signal?: AbortSignal;
}

type QueryValue = string | number | boolean | readonly (string | number)[] | undefined;

function buildQuery(params: [string, QueryValue][]): string {
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

function networkCodeOf(err: unknown): string | undefined {
  // Node's fetch throws TypeError('fetch failed') with the system error as `cause` (sometimes nested once more).
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

export class HcloudClient {
  // An ES private field: invisible to JSON.stringify, util.inspect, console.log and spreading.
  readonly #token: string;
  private readonly endpoint: string;
  private readonly userAgent: string;
  private readonly timeoutMs: number;
  private readonly maxRetries: number;
  private readonly deadlineMs: number | undefined;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly random: () => number;
  private readonly now: () => number;
  private readonly onRequest?: (e: HcloudRequestEvent) => void;
  private rateLimit: HcloudRateLimit | null = null;

  constructor(opts: HcloudClientOptions) {
    // Copy field by field: keeping `opts` itself would keep the token in an inspectable property.
    this.#token = opts.token;
    this.endpoint = opts.endpoint.replace(/\/+$/, '');
    this.userAgent = opts.userAgent;
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.maxRetries = opts.maxRetries ?? DEFAULT_MAX_RETRIES;
    this.deadlineMs = opts.deadlineMs;
    this.sleep = opts.sleep ?? defaultSleep;
    this.random = opts.random ?? Math.random;
    this.now = opts.now ?? Date.now;
    this.onRequest = opts.onRequest;
  }

  /** From the RateLimit-* headers of the last response that had them; null before the first one. */
  get lastRateLimit(): HcloudRateLimit | null {
    return this.rateLimit;
  }

  toString(): string {
    return `HcloudClient(${this.endpoint})`;
  }

  toJSON(): { endpoint: string; userAgent: string } {
    return { endpoint: this.endpoint, userAgent: this.userAgent };
  }

  async getServer(id: number): Promise<HcloudServer> {
    const res = await this.request<{ server: HcloudServer }>({
      method: 'GET',
      path: `/servers/${id}`,
      safety: 'idempotent',
    });
    return res.server;
  }

  /** Starts a snapshot (always `type: 'snapshot'`); wait for `action` to know when the image is available. */
  async createImage(
    serverId: number,
    req: ImageChangeRequest,
  ): Promise<{ image: HcloudImage; action: HcloudAction }> {
    const res = await this.request<{ image: HcloudImage; action: HcloudAction }>({
      method: 'POST',
      path: `/servers/${serverId}/actions/create_image`,
      body: { type: 'snapshot', description: req.description, labels: req.labels },
      safety: 'creates',
    });
    return { image: res.image, action: res.action };
  }

  /** Every matching image across all pages (per_page=50, following meta.pagination.next_page). */
  async listImages(filter: ListImagesFilter = {}): Promise<HcloudImage[]> {
    const filterQuery = buildQuery([
      ['type', filter.type],
      ['status', filter.status],
      ['bound_to', filter.bound_to],
      ['include_deprecated', filter.include_deprecated],
      ['name', filter.name],
      ['label_selector', filter.label_selector],
      ['architecture', filter.architecture],
      ['sort', filter.sort],
    ]);
    const images: HcloudImage[] = [];
    let page: number | null = 1;
    while (page !== null) {
      const query = [
        filterQuery,
        buildQuery([
          ['page', page],
          ['per_page', LIST_PER_PAGE],
        ]),
      ]
        .filter(Boolean)
        .join('&');
      const res: { images: HcloudImage[]; meta?: { pagination?: Pagination } } = await this.request({
        method: 'GET',
        path: `/images?${query}`,
        safety: 'idempotent',
      });
      images.push(...res.images);
      const next: number | null = res.meta?.pagination?.next_page ?? null;
      // A next page that does not move forward would loop forever; treat it as the end.
      page = next !== null && next > page ? next : null;
    }
    return images;
  }

  async getImage(id: number): Promise<HcloudImage> {
    const res = await this.request<{ image: HcloudImage }>({
      method: 'GET',
      path: `/images/${id}`,
      safety: 'idempotent',
    });
    return res.image;
  }

  async updateImage(id: number, req: ImageChangeRequest): Promise<HcloudImage> {
    const res = await this.request<{ image: HcloudImage }>({
      method: 'PUT',
      path: `/images/${id}`,
      body: { description: req.description, labels: req.labels },
      safety: 'idempotent',
    });
    return res.image;
  }

  async deleteImage(id: number): Promise<void> {
    await this.request<void>({ method: 'DELETE', path: `/images/${id}`, safety: 'idempotent' });
  }

  async changeImageProtection(id: number, protect: { delete: boolean }): Promise<HcloudAction> {
    const res = await this.request<{ action: HcloudAction }>({
      method: 'POST',
      path: `/images/${id}/actions/change_protection`,
      body: { delete: protect.delete },
      // Setting protection to a given value twice ends in the same state, so it may be repeated like a PUT.
      safety: 'idempotent',
    });
    return res.action;
  }

  /** Replaces the server's disk with the image. Destructive: never repeated unless the API certainly refused it. */
  async rebuildServer(serverId: number, imageId: number): Promise<HcloudAction> {
    const res = await this.request<{ action: HcloudAction }>({
      method: 'POST',
      path: `/servers/${serverId}/actions/rebuild`,
      // The spec types `image` as a string: an id or a system image's name.
      body: { image: String(imageId) },
      safety: 'creates',
    });
    return res.action;
  }

  async getAction(id: number, signal?: AbortSignal): Promise<HcloudAction> {
    const res = await this.request<{ action: HcloudAction }>({
      method: 'GET',
      path: `/actions/${id}`,
      safety: 'idempotent',
      signal,
    });
    return res.action;
  }

  /**
   * Resolves when the action succeeds; throws HcloudActionFailedError when it ends in `error`. Polls GET
   * /actions/{id} every 1 s, 2 s, 4 s … up to 30 s; no overall deadline (big disks take 30+ min): cancel with `signal`.
   */
  waitForAction(action: HcloudAction | number, opts?: WaitForActionOptions): Promise<HcloudAction> {
    return waitForAction(
      { getAction: (id, signal) => this.getAction(id, signal), sleep: this.sleep },
      action,
      opts,
    );
  }

  async getPricing(): Promise<HcloudPricing> {
    const res = await this.request<{ pricing: HcloudPricing }>({
      method: 'GET',
      path: '/pricing',
      safety: 'idempotent',
    });
    return res.pricing;
  }

  /** What the token may do with this server; changes nothing on the account (see token-check.ts). */
  checkToken(serverId: number): Promise<TokenCheckResult> {
    return checkToken(
      {
        getServer: (id) => this.getServer(id),
        // An empty update of an image that cannot exist: why it is valid and harmless is beside WRITE_PROBE.
        probeWriteAccess: () => this.request({ ...WRITE_PROBE, safety: 'idempotent' }),
      },
      serverId,
    );
  }

  /**
   * Hetzner's clock, from the `Date` header of one cheap GET (`/servers?per_page=1`), for `doctor`'s clock check.
   * Any HTTP answer carries the header, a 401 included, so the token's rights do not matter here. `localMs` is
   * this client's clock (`now`) half-way through the request; no retries: one look is all a clock check needs.
   */
  async serverTime(): Promise<{ serverTime: Date; localMs: number; roundTripMs: number }> {
    const path = '/servers?per_page=1';
    const before = this.now();
    const timeout = AbortSignal.timeout(this.timeoutMs);
    let res: Response;
    try {
      res = await fetch(this.endpoint + path, {
        method: 'GET',
        headers: {
          Authorization: `Bearer ${this.#token}`,
          'User-Agent': this.userAgent,
          Accept: 'application/json',
        },
        signal: timeout,
        redirect: 'error',
      });
      // Drain the body so the connection is released; its content is not needed.
      await res.arrayBuffer();
    } catch (err) {
      const networkCode = timeout.aborted ? undefined : networkCodeOf(err);
      throw new HcloudApiError({
        status: 0,
        code: timeout.aborted ? 'timeout' : 'network_error',
        networkCode,
        method: 'GET',
        path,
        message: timeout.aborted
          ? `Hetzner Cloud API did not answer GET ${path} within ${this.timeoutMs} ms`
          : `Could not reach the Hetzner Cloud API for GET ${path}${networkCode ? ` (${networkCode})` : ''}`,
      });
    }
    const after = this.now();
    const rateLimit = this.readRateLimit(res.headers);
    if (rateLimit) this.rateLimit = rateLimit;
    const header = res.headers.get('date');
    const parsed = header ? Date.parse(header) : NaN;
    if (!Number.isFinite(parsed)) {
      throw new HcloudApiError({
        status: res.status,
        code: 'invalid_response',
        method: 'GET',
        path,
        message: `Hetzner Cloud API answered GET ${path} without a readable Date header`,
      });
    }
    // The header has whole seconds, cut off: the server's true time lies in [date, date + 1 s).
    return {
      serverTime: new Date(parsed + 500),
      localMs: Math.round((before + after) / 2),
      roundTripMs: after - before,
    };
  }

  private async request<T>(spec: RequestSpec): Promise<T> {
    const deadlineTimer = this.deadlineMs === undefined ? undefined : timeoutSignal(this.deadlineMs);
    try {
      return await this.requestWithin<T>(spec, deadlineTimer?.signal);
    } finally {
      deadlineTimer?.clear();
    }
  }

  private async requestWithin<T>(spec: RequestSpec, deadline: AbortSignal | undefined): Promise<T> {
    for (let retriesSoFar = 0; ; retriesSoFar++) {
      const outcome = await this.attempt<T>(spec, retriesSoFar + 1, deadline);
      if (outcome.ok) return outcome.value;
      if (deadline?.aborted) throw this.deadlineError(spec);
      const decision = decideRetry(outcome.failure, {
        safety: spec.safety,
        retriesSoFar,
        maxRetries: this.maxRetries,
        random: this.random,
        nowMs: this.now(),
      });
      if (!decision.retry) throw outcome.error;
      const waitSignal = deadline
        ? spec.signal
          ? AbortSignal.any([spec.signal, deadline])
          : deadline
        : spec.signal;
      try {
        await this.sleep(decision.delayMs, waitSignal);
      } catch (err) {
        if (spec.signal?.aborted) throw spec.signal.reason;
        if (deadline?.aborted) throw this.deadlineError(spec);
        throw err;
      }
      if (spec.signal?.aborted) throw spec.signal.reason;
      if (deadline?.aborted) throw this.deadlineError(spec);
    }
  }

  private deadlineError(spec: RequestSpec): HcloudApiError {
    return new HcloudApiError({
      status: 0,
      code: 'timeout',
      method: spec.method,
      path: spec.path,
      message: `Hetzner Cloud API did not answer ${spec.method} ${spec.path} within ${this.deadlineMs} ms (retries included)`,
    });
  }

  private async attempt<T>(
    spec: RequestSpec,
    attempt: number,
    deadline?: AbortSignal,
  ): Promise<{ ok: true; value: T } | { ok: false; failure: AttemptFailure; error: HcloudApiError }> {
    const url = this.endpoint + spec.path;
    const timeoutTimer = timeoutSignal(this.timeoutMs);
    const timeout = timeoutTimer.signal;
    const signals = [spec.signal, timeout, deadline].filter((s): s is AbortSignal => s !== undefined);
    const signal = signals.length === 1 ? timeout : AbortSignal.any(signals);
    const headers: Record<string, string> = {
      Authorization: `Bearer ${this.#token}`,
      'User-Agent': this.userAgent,
      Accept: 'application/json',
    };
    if (spec.body !== undefined) headers['Content-Type'] = 'application/json';
    const started = performance.now();
    const report = (status: HcloudRequestEvent['status'], rateLimit?: HcloudRateLimit): void =>
      this.onRequest?.({
        method: spec.method,
        path: spec.path,
        status,
        attempt,
        durationMs: Math.round(performance.now() - started),
        ...(rateLimit ? { rateLimit } : {}),
      });

    let status: number;
    let text: string;
    let responseHeaders: Headers;
    try {
      const res = await fetch(url, {
        method: spec.method,
        headers,
        body: spec.body === undefined ? undefined : JSON.stringify(spec.body),
        signal,
        redirect: 'error',
      });
      status = res.status;
      responseHeaders = res.headers;
      // Read the body inside the try: the timeout also covers a response that stalls half-way.
      text = await res.text();
    } catch (err) {
      // The caller's own cancellation is not a failure to retry or describe: pass it on as it came.
      if (spec.signal?.aborted) throw spec.signal.reason;
      const base = { method: spec.method, path: spec.path };
      if (timeout.aborted || deadline?.aborted) {
        report('timeout');
        return {
          ok: false,
          failure: { kind: 'timeout' },
          error: new HcloudApiError({
            ...base,
            status: 0,
            code: 'timeout',
            message: `Hetzner Cloud API did not answer ${spec.method} ${spec.path} within ${this.timeoutMs} ms`,
          }),
        };
      }
      report('network-error');
      const networkCode = networkCodeOf(err);
      return {
        ok: false,
        failure: { kind: 'network', networkCode },
        error: new HcloudApiError({
          ...base,
          status: 0,
          code: 'network_error',
          networkCode,
          message: `Could not reach the Hetzner Cloud API for ${spec.method} ${spec.path}${networkCode ? ` (${networkCode})` : ''}`,
        }),
      };
    } finally {
      timeoutTimer.clear();
    }

    const rateLimit = this.readRateLimit(responseHeaders);
    if (rateLimit) this.rateLimit = rateLimit;
    report(status, rateLimit ?? undefined);

    let body: unknown = undefined;
    let parsed = text.length === 0;
    if (text.length > 0) {
      try {
        body = JSON.parse(text);
        parsed = true;
      } catch {
        parsed = false;
      }
    }

    const correlationId = responseHeaders.get('x-correlation-id') ?? undefined;
    if (status >= 200 && status < 300) {
      if (!parsed) {
        const error = new HcloudApiError({
          status,
          code: 'invalid_response',
          message: `Hetzner Cloud API answered ${spec.method} ${spec.path} with a body that is not JSON`,
          method: spec.method,
          path: spec.path,
          correlationId,
        });
        return { ok: false, failure: { kind: 'http', status, code: error.code, hasEnvelope: false }, error };
      }
      return { ok: true, value: body as T };
    }

    const envelope = isErrorEnvelope(body) ? body.error : undefined;
    const hasEnvelope = envelope !== undefined;
    const code = envelope ? envelope.code : `http_${status}`;
    const message = envelope
      ? this.redact(String(envelope.message ?? code))
      : `Hetzner Cloud API answered ${spec.method} ${spec.path} with HTTP ${status}${STATUS_TEXT[status] ? ` ${STATUS_TEXT[status]}` : ''} and no error details`;
    const rateLimitResetAt =
      status === 429 || code === 'rate_limit_exceeded' ? rateLimit?.resetAt : undefined;
    const error = new HcloudApiError({
      status,
      code,
      message,
      details: envelope?.details,
      method: spec.method,
      path: spec.path,
      correlationId,
      rateLimitResetAt,
    });
    return { ok: false, failure: { kind: 'http', status, code, hasEnvelope, rateLimitResetAt }, error };
  }

  private readRateLimit(headers: Headers): HcloudRateLimit | null {
    const raw = ['ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset'].map((name) =>
      headers.get(name),
    );
    // A response from a proxy in front of the API (e.g. a bare 502) has none; keep the last known values then.
    if (raw.some((v) => v === null || v.trim() === '')) return null;
    const [limit, remaining, reset] = raw.map(Number);
    if (![limit, remaining, reset].every(Number.isFinite)) return null;
    return { limit, remaining, resetAt: new Date(reset * 1000) };
  }

  // Belt and braces: should the API ever echo the token in an error message, it must not travel further.
  private redact(text: string): string {
    return this.#token ? text.split(this.#token).join('[redacted]') : text;
  }
}

/**
 * AbortSignal.timeout, but with a timer that is cleared once the request is over: AbortSignal.timeout's timer
 * (and its closure) lives until it fires, 30 s after every background request, whether it answered or not.
 */
function timeoutSignal(ms: number): { signal: AbortSignal; clear: () => void } {
  const controller = new AbortController();
  const timer = setTimeout(
    () => controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError')),
    ms,
  );
  timer.unref();
  return { signal: controller.signal, clear: () => clearTimeout(timer) };
}
