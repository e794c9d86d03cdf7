import {
  FakeApiError,
  jsonError,
  methodNotAllowed,
  notFound,
  rateLimitExceeded,
  tokenReadonly,
  unauthorized,
} from './fake-hcloud.errors';
import { errorResponse, FakeResponse, jsonResponse } from './fake-hcloud.http';
import { ANONYMOUS_BUDGET, FakeRateLimiter } from './fake-hcloud.rate-limiter';
import { type RequestSpec, SpecViolation } from './fake-hcloud.request-spec';
import { FakeRouter } from './fake-hcloud.router';
import { FakeHcloudState, FakeToken } from './fake-hcloud.state';

export interface ApiRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  authorization: string | undefined;
  rawBody: string;
  /** scheme://host:port the client used, for absolute pagination links. */
  origin: string;
}

/** The /v1 API: rate limit, authentication, routing and the error envelope, in the API's order. */
export class FakeApi {
  constructor(
    private readonly state: FakeHcloudState,
    private readonly rateLimiter: FakeRateLimiter,
    private readonly router: FakeRouter,
    /** When set, requests that break the spec's schemas end in 422 invalid_input before any route runs. */
    private readonly requestSpec?: RequestSpec,
  ) {}

  handle(request: ApiRequest): FakeResponse {
    this.state.settleActions();
    const token = this.tokenOf(request.authorization);
    const budget = this.rateLimiter.take(token ? token.projectId : ANONYMOUS_BUDGET);
    try {
      if (!budget.allowed) throw rateLimitExceeded(budget.limit);
      if (!token) throw unauthorized();
      // Checked before routing: a read-only token learns nothing about what exists.
      if (token.mode === 'read_only' && request.method !== 'GET') throw tokenReadonly();
      return this.route(request, token.projectId, budget.headers);
    } catch (error) {
      if (error instanceof SpecViolation) {
        return { ...errorResponse(error, budget.headers), specViolation: error.message };
      }
      if (error instanceof FakeApiError) return errorResponse(error, budget.headers);
      const message = error instanceof Error ? error.message : String(error);
      return errorResponse(
        new FakeApiError(500, 'server_error', `fake-hcloud bug: ${message}`),
        budget.headers,
      );
    }
  }

  /** Rate-limit headers for a request that is answered without reaching the API (injected failures). */
  rateLimitHeaders(authorization: string | undefined): Record<string, string> {
    const token = this.tokenOf(authorization);
    return this.rateLimiter.peek(token ? token.projectId : ANONYMOUS_BUDGET);
  }

  private route(request: ApiRequest, projectId: number, headers: Record<string, string>): FakeResponse {
    const match = this.router.match(request.method, request.path);
    if (match.kind === 'not_found') throw notFound('route');
    if (match.kind === 'method_not_allowed') throw methodNotAllowed();
    const body = parseBody(request.rawBody);
    // After the token's scope and the JSON syntax, before the resource is looked up: a bad id never reaches it.
    this.requestSpec?.check(match.route, { params: match.params, query: request.query, body });
    const result = match.route.handle({
      projectId,
      params: match.params,
      query: request.query,
      body,
      pageUrl: `${request.origin}${request.path}`,
    });
    return jsonResponse(result.status, result.body, { ...headers, ...result.headers });
  }

  private tokenOf(authorization: string | undefined): FakeToken | undefined {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
    return match ? this.state.tokens.get(match[1]) : undefined;
  }
}

function parseBody(rawBody: string): unknown {
  if (rawBody.trim() === '') return undefined;
  try {
    return JSON.parse(rawBody);
  } catch {
    throw jsonError();
  }
}
