// Owns every HTTP request the panel makes to the Hetzner Cloud API: typed methods, auth and User-Agent headers,
// per-request timeouts, retries with jittered backoff that honour RateLimit-Reset, pagination, action polling.
// Plain TypeScript with no NestJS imports; the rest of the panel reaches Hetzner only through this folder.

import { waitForAction, type WaitForActionOptions } from './action-waiter';
import { isHcloudError } from './hcloud-api.error';
import { decideRetry } from './hcloud-retry.policy';
import type {
  HcloudAction,
  HcloudImage,
  HcloudPricing,
  HcloudRateLimit,
  HcloudRequestEvent,
  HcloudServer,
  HcloudServerTypeListing,
  HcloudVolume,
  ListImagesFilter,
  Pagination,
} from './hcloud.types';
import { checkToken, type TokenCheckResult, WRITE_PROBE } from './token-check';
import {
  DEFAULT_MAX_RETRIES,
  DEFAULT_TIMEOUT_MS,
  defaultSleep,
  type CreateServerRequest,
  type HcloudApi,
  type HcloudClientOptions,
  type ImageChangeRequest,
} from './hcloud-client.options';
import {
  allPages,
  answerOutcome,
  type AttemptOutcome,
  buildQuery,
  combinedSignal,
  deadlineError,
  type Exchange,
  imageFilterQuery,
  noAnswerError,
  noAnswerOutcome,
  pageQuery,
  readRateLimit,
  type RequestSpec,
  requestHeaders,
  serverTimeOfAnswer,
  timeoutSignal,
  requestReporter,
} from './hcloud-wire';
import { httpExchange, type HttpAnswer } from './http-exchange';

export class HcloudClient implements HcloudApi {
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
    return this.listAll<HcloudImage>('images', '/images', imageFilterQuery(filter));
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

  /**
   * Replaces the server's disk with the image. Destructive: never repeated unless the API certainly refused it.
   * `rootPassword` is Hetzner's answer when it sets a new one (null for most snapshots): show it once, never keep it.
   */
  async rebuildServer(
    serverId: number,
    imageId: number,
  ): Promise<{ action: HcloudAction; rootPassword: string | null }> {
    const res = await this.request<{ action: HcloudAction; root_password?: string | null }>({
      method: 'POST',
      path: `/servers/${serverId}/actions/rebuild`,
      // The spec types `image` as a string: an id or a system image's name.
      body: { image: String(imageId) },
      safety: 'creates',
    });
    return { action: res.action, rootPassword: res.root_password ?? null };
  }

  /** Creates a server (billable from this moment): never repeated unless the API certainly refused it. */
  async createServer(req: CreateServerRequest): Promise<{ server: HcloudServer; action: HcloudAction }> {
    const res = await this.request<{ server: HcloudServer; action: HcloudAction }>({
      method: 'POST',
      path: '/servers',
      body: {
        name: req.name,
        server_type: req.serverType,
        image: String(req.imageId),
        location: req.location,
        labels: req.labels,
        start_after_create: true,
        public_net: { enable_ipv4: req.enableIpv4, enable_ipv6: true },
      },
      safety: 'creates',
    });
    return { server: res.server, action: res.action };
  }

  /** Deletes a server; a 404 means it is gone already, which is what the caller wanted. */
  async deleteServer(id: number): Promise<HcloudAction | null> {
    try {
      const res = await this.request<{ action: HcloudAction }>({
        method: 'DELETE',
        path: `/servers/${id}`,
        safety: 'idempotent',
      });
      return res.action;
    } catch (err) {
      if (isHcloudError(err, 'not_found')) return null;
      throw err;
    }
  }

  /** Every server matching the label selector, across all pages. */
  async listServers(filter: { label_selector?: string } = {}): Promise<HcloudServer[]> {
    return this.listAll<HcloudServer>(
      'servers',
      '/servers',
      buildQuery([['label_selector', filter.label_selector]]),
    );
  }

  /** The whole server type catalogue: disk, architecture, prices and availability per location. */
  async listServerTypes(): Promise<HcloudServerTypeListing[]> {
    return this.listAll<HcloudServerTypeListing>('server_types', '/server_types', '');
  }

  async getVolume(id: number): Promise<HcloudVolume> {
    const res = await this.request<{ volume: HcloudVolume }>({
      method: 'GET',
      path: `/volumes/${id}`,
      safety: 'idempotent',
    });
    return res.volume;
  }

  private listAll<T>(key: string, path: string, filterQuery: string): Promise<T[]> {
    return allPages(async (page) => {
      const query = [filterQuery, pageQuery(page)].filter(Boolean).join('&');
      const res: Record<string, unknown> & { meta?: { pagination?: Pagination } } = await this.request({
        method: 'GET',
        path: `${path}?${query}`,
        safety: 'idempotent',
      });
      return { items: res[key] as T[], nextPage: res.meta?.pagination?.next_page ?? null };
    });
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
    const spec: RequestSpec = { method: 'GET', path: '/servers?per_page=1', safety: 'idempotent' };
    const before = this.now();
    const exchange = await this.exchange(spec);
    if (!exchange.answered) throw noAnswerError(spec, { ...exchange, timeoutMs: this.timeoutMs });
    const after = this.now();
    return serverTimeOfAnswer(spec, exchange, { beforeMs: before, afterMs: after });
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
    const throwIfStopped = (): void => {
      if (spec.signal?.aborted) throw spec.signal.reason;
      if (deadline?.aborted) throw deadlineError(spec, this.deadlineMs);
    };
    for (let retriesSoFar = 0; ; retriesSoFar++) {
      const outcome = await this.attempt<T>(spec, retriesSoFar + 1, deadline);
      if (outcome.ok) return outcome.value;
      if (deadline?.aborted) throw deadlineError(spec, this.deadlineMs);
      const decision = decideRetry(outcome.failure, {
        safety: spec.safety,
        retriesSoFar,
        maxRetries: this.maxRetries,
        random: this.random,
        nowMs: this.now(),
      });
      if (!decision.retry) throw outcome.error;
      const stop = combinedSignal(spec.signal, deadline);
      try {
        await this.sleep(decision.delayMs, stop.signal);
      } catch (err) {
        throwIfStopped();
        throw err;
      } finally {
        stop.release();
      }
      throwIfStopped();
    }
  }

  private async attempt<T>(
    spec: RequestSpec,
    attempt: number,
    deadline?: AbortSignal,
  ): Promise<AttemptOutcome<T>> {
    const report = requestReporter(this.onRequest, spec, attempt);
    const exchange = await this.exchange(spec, deadline);
    if (!exchange.answered) {
      report(exchange.timedOut ? 'timeout' : 'network-error');
      return noAnswerOutcome(spec, { ...exchange, timeoutMs: this.timeoutMs });
    }
    report(exchange.status, exchange.rateLimit ?? undefined);
    return answerOutcome<T>(spec, exchange, (text) => this.redact(text));
  }

  /**
   * One request and its whole answer under a per-request timeout (plus the caller's signal and the call's
   * deadline): every request of this client goes through here, and an answer's RateLimit-* headers are read here once.
   */
  private async exchange(spec: RequestSpec, deadline?: AbortSignal): Promise<Exchange> {
    const timeout = timeoutSignal(this.timeoutMs);
    const stop = combinedSignal(spec.signal, deadline, timeout.signal);
    let answer: HttpAnswer;
    try {
      // The whole answer inside the try: the timeout also covers a response that stalls half-way.
      answer = await httpExchange(this.endpoint + spec.path, {
        method: spec.method,
        headers: requestHeaders({ token: this.#token, userAgent: this.userAgent }, spec.body !== undefined),
        body: spec.body === undefined ? undefined : JSON.stringify(spec.body),
        signal: stop.signal,
      });
    } catch (err) {
      // The caller's own cancellation is not a failure to retry or describe: pass it on as it came.
      if (spec.signal?.aborted) throw spec.signal.reason;
      return { answered: false, timedOut: timeout.signal.aborted || deadline?.aborted === true, err };
    } finally {
      timeout.clear();
      stop.release();
    }
    const rateLimit = readRateLimit(answer.headers);
    if (rateLimit) this.rateLimit = rateLimit;
    return { answered: true, ...answer, rateLimit };
  }

  // Belt and braces: should the API ever echo the token in an error message, it must not travel further.
  private redact(text: string): string {
    return this.#token ? text.split(this.#token).join('[redacted]') : text;
  }
}
