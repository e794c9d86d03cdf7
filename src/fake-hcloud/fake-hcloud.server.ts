// The fake Hetzner Cloud: a real HTTP server on loopback standing in for api.hetzner.cloud (/v1) and the
// metadata service (/hetzner/v1/metadata), with in-memory servers, images and actions on a fake clock.
// It owns the API's shapes and errors, rate limits, scripted failures and the log of requests it got.
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { FakeApi } from './fake-hcloud.api';
import { FakeClock } from './fake-hcloud.clock';
import { defaultCodeForStatus, defaultStatusForCode, FakeApiError, notFound } from './fake-hcloud.errors';
import { FakeFaultScript } from './fake-hcloud.faults';
import { errorResponse, FakeResponse, textResponse, writeResponse, writeTruncated } from './fake-hcloud.http';
import { DEFAULT_RATE_LIMIT, FakeRateLimiter } from './fake-hcloud.rate-limiter';
import { loadRequestSpec, RequestSpec } from './fake-hcloud.request-spec';
import { FakeRouter } from './fake-hcloud.router';
import { apiRoutes } from './fake-hcloud.routes';
import { seedDemo } from './fake-hcloud.seed';
import { DEFAULT_PROJECT_ID, FakeHcloudState, NewServerBehaviour } from './fake-hcloud.state';
import {
  FakeActionRecord,
  FakeFailure,
  FakeHcloudOptions,
  FakeImageInput,
  FakeImageRecord,
  FakeRequestLogEntry,
  FakeServerInput,
  FakeServerRecord,
  FakeTokenMode,
  FakeVolumeRecord,
} from './fake-hcloud.types';
import { answerMetadata, isMetadataPath, METADATA_PATH } from './metadata.routes';

const DEFAULT_ACTION_DURATION_MS = 3000;
const BULK_IMAGE_SPACING_MS = 60_000;

export class FakeHcloud {
  readonly requests: FakeRequestLogEntry[] = [];

  private readonly clock = new FakeClock();
  private readonly state = new FakeHcloudState(this.clock);
  private readonly rateLimiter: FakeRateLimiter;
  private readonly faults = new FakeFaultScript();
  private readonly api: FakeApi;
  private readonly http: Server;
  private readonly timers = new Set<NodeJS.Timeout>();
  private latencyMs = 0;
  private origin = '';

  static async start(options: FakeHcloudOptions = {}): Promise<FakeHcloud> {
    const requestSpec = options.validateRequests === false ? undefined : await loadRequestSpec();
    const fake = new FakeHcloud(options, requestSpec);
    await fake.listen(options.host ?? '127.0.0.1', options.port ?? 0);
    if (options.seed === 'demo') seedDemo(fake);
    return fake;
  }

  private constructor(options: FakeHcloudOptions, requestSpec: RequestSpec | undefined) {
    this.rateLimiter = new FakeRateLimiter(this.clock, options.rateLimit ?? DEFAULT_RATE_LIMIT);
    const routes = apiRoutes({
      state: this.state,
      clock: this.clock,
      actionDurationMs: options.actionDurationMs ?? DEFAULT_ACTION_DURATION_MS,
    });
    requestSpec?.assertCovers(routes);
    this.api = new FakeApi(this.state, this.rateLimiter, new FakeRouter(routes), requestSpec);
    // A request can only fail here when its client went away; there is nobody left to answer.
    this.http = createServer((req, res) => void this.answer(req, res).catch(() => res.destroy()));
  }

  /** http://127.0.0.1:PORT */
  get url(): string {
    return this.origin;
  }

  /** Use as HCLOUD_ENDPOINT. */
  get apiEndpoint(): string {
    return `${this.origin}/v1`;
  }

  /** Use as HCLOUD_METADATA_ENDPOINT. */
  get metadataEndpoint(): string {
    return `${this.origin}${METADATA_PATH}`;
  }

  addProject(): number {
    return this.state.addProject();
  }

  addToken(token: string, options: { mode?: FakeTokenMode; projectId?: number } = {}): void {
    this.state.addToken(token, options.mode ?? 'read_write', options.projectId ?? DEFAULT_PROJECT_ID);
  }

  /** The returned record is live: changing it changes what the API answers. */
  addServer(partial: FakeServerInput = {}): FakeServerRecord {
    return this.state.addServer(partial);
  }

  /** The returned record is live: changing it changes what the API answers. */
  addImage(partial: FakeImageInput = {}): FakeImageRecord {
    return this.state.addImage(partial);
  }

  /** Many images at once; without a `created` in the template they are a minute apart, the last one now. */
  addImages(count: number, template: FakeImageInput = {}): FakeImageRecord[] {
    const nowMs = this.clock.nowMs();
    const images: FakeImageRecord[] = [];
    for (let i = 0; i < count; i++) {
      const created = template.created ?? new Date(nowMs - (count - 1 - i) * BULK_IMAGE_SPACING_MS);
      images.push(this.state.addImage({ ...template, created }));
    }
    return images;
  }

  /** Which server the metadata service describes; null makes it answer 404, as off Hetzner. */
  setMetadata(metadata: { serverId: number } | null): void {
    if (metadata && !this.state.servers.has(metadata.serverId)) {
      throw new Error(`fake-hcloud: server ${metadata.serverId} does not exist`);
    }
    this.state.metadataServerId = metadata?.serverId ?? null;
  }

  /** Most snapshots a project may hold before create_image answers 403 resource_limit_exceeded; null = none. */
  setSnapshotLimit(projectId: number, limit: number | null): void {
    this.state.project(projectId).snapshotLimit = limit;
  }

  /** Most servers a project may hold before POST /servers answers 403 resource_limit_exceeded; null = none. */
  setServerLimit(projectId: number, limit: number | null): void {
    this.state.project(projectId).serverLimit = limit;
  }

  /** How servers made by POST /servers behave: their public IPv4 (e.g. 127.0.0.1) and whether they boot. */
  setNewServers(behaviour: Partial<NewServerBehaviour>): void {
    Object.assign(this.state.newServers, behaviour);
  }

  /** The root password the next rebuilds answer with (null: none, as for most snapshots). */
  setRebuildRootPassword(password: string | null): void {
    this.state.rebuildRootPassword = password;
  }

  /** Attaches a volume to a server (live record). */
  addVolume(input: { serverId: number; name?: string; sizeGb?: number }): FakeVolumeRecord {
    return this.state.addVolume(input);
  }

  servers(): FakeServerRecord[] {
    this.state.settleActions();
    return [...this.state.servers.values()].map((server) => structuredClone(server));
  }

  images(): FakeImageRecord[] {
    this.state.settleActions();
    return [...this.state.images.values()].map((image) => structuredClone(image));
  }

  actions(): FakeActionRecord[] {
    this.state.settleActions();
    return [...this.state.actions.values()].map((action) => structuredClone(action));
  }

  failNext(failure: FakeFailure): void {
    this.faults.add(failure);
  }

  /** The next `times` actions started end in status `error`, with their side effects undone. */
  failActionsNext(times: number, error?: { code: string; message: string }): void {
    this.state.failActionsNext(times, error);
  }

  setLatency(ms: number): void {
    this.latencyMs = ms;
  }

  now(): Date {
    return this.clock.now();
  }

  advance(ms: number): void {
    this.clock.advance(ms);
  }

  setRateLimit(projectId: number, remaining: number, limit?: number): void {
    this.state.project(projectId);
    this.rateLimiter.set(projectId, remaining, limit);
  }

  clearRequests(): void {
    this.requests.length = 0;
  }

  /** Back to an empty fake (project 1 only, no tokens), on the same port. */
  reset(): void {
    this.state.reset();
    this.rateLimiter.reset();
    this.faults.clear();
    this.clock.reset();
    this.latencyMs = 0;
    this.clearRequests();
  }

  /** Stops listening and ends every open connection, hanging requests included. */
  async close(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    if (!this.http.listening) return;
    await new Promise<void>((resolve, reject) => {
      this.http.close((error) => (error ? reject(error) : resolve()));
      this.http.closeAllConnections();
    });
  }

  private async listen(host: string, port: number): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.http.once('error', reject);
      this.http.listen(port, host, () => resolve());
    });
    const address = this.http.address() as AddressInfo;
    this.origin = `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
  }

  private async answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', this.origin);
    const entry: FakeRequestLogEntry = {
      method,
      path: url.pathname,
      query: queryRecord(url.searchParams),
      status: 0,
      at: this.clock.now(),
    };
    if (req.headers.authorization !== undefined) entry.token = '[redacted]';
    this.requests.push(entry);

    const rawBody = await readBody(req);
    if (rawBody !== '') entry.body = parseLoggedBody(rawBody);
    await this.sleep(this.latencyMs);

    const fault = this.faults.take(method, url.pathname);
    if (fault?.hang) return;
    if (fault?.delayMs) await this.sleep(fault.delayMs);

    const injectsError = fault?.status !== undefined || fault?.code !== undefined;
    const response =
      fault && injectsError
        ? this.injectedResponse(fault, url.pathname, req.headers.authorization)
        : this.dispatch(req, url, rawBody);
    entry.status = response.status;
    if (response.specViolation) entry.specViolation = response.specViolation;
    if (fault?.truncate) writeTruncated(res, response);
    else writeResponse(res, response);
  }

  private dispatch(req: IncomingMessage, url: URL, rawBody: string): FakeResponse {
    const method = req.method ?? 'GET';
    if (isMetadataPath(url.pathname)) return answerMetadata(this.state, method, url.pathname);
    if (url.pathname !== '/v1' && !url.pathname.startsWith('/v1/')) return errorResponse(notFound('route'));
    return this.api.handle({
      method,
      path: url.pathname,
      query: url.searchParams,
      authorization: req.headers.authorization,
      rawBody,
      origin: req.headers.host ? `http://${req.headers.host}` : this.origin,
    });
  }

  private injectedResponse(
    fault: FakeFailure,
    path: string,
    authorization: string | undefined,
  ): FakeResponse {
    const status = fault.status ?? defaultStatusForCode(fault.code as string);
    const code = fault.code ?? defaultCodeForStatus(status);
    const message = fault.message ?? `injected ${code ?? status}`;
    if (isMetadataPath(path)) return textResponse(status, message);
    // A gateway error without a code has no JSON body, like a proxy in front of the API would send.
    if (!code) return textResponse(status, `<html><body><h1>${status}</h1>${message}</body></html>`);

    const headers = this.api.rateLimitHeaders(authorization);
    if (status === 429) {
      const resetAt = Math.ceil(this.clock.nowMs() / 1000) + (fault.resetAfterSeconds ?? 1);
      Object.assign(headers, { 'RateLimit-Remaining': '0', 'RateLimit-Reset': String(resetAt) });
    }
    return errorResponse(new FakeApiError(status, code, message), headers);
  }

  private sleep(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, ms);
      this.timers.add(timer);
    });
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function queryRecord(params: URLSearchParams): Record<string, string | string[]> {
  const record: Record<string, string | string[]> = {};
  for (const key of new Set(params.keys())) {
    const values = params.getAll(key);
    record[key] = values.length === 1 ? values[0] : values;
  }
  return record;
}

function parseLoggedBody(rawBody: string): unknown {
  try {
    return JSON.parse(rawBody);
  } catch {
    return rawBody;
  }
}
