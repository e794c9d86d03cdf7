// Scripts failures into the fake Hetzner API for one step of a cycle at a time ("the 2nd page of the
// listing", "the 3rd poll of the action") and counts the failing answers it really gave, by kind and step.
//
// The fake matches a scripted failure by method and path and takes the first one that matches. Its path may
// be a RegExp, and the fake calls `test(path)` on it when a request arrives, before answering; a RegExp
// whose test() counts the requests it is asked about can therefore pick the n-th matching request, and one
// that never matches can watch requests go by (the campaign judges every DELETE that way).
import type { FakeFailure, FakeHcloud } from '../../../src/fake-hcloud';
import type { SeededRandom } from './seeded-random';

export const FAULT_KINDS = [
  'http-500',
  'http-502',
  'http-503',
  'http-504',
  'timeout-hang',
  'timeout-late',
  'rate-limit-429',
  'locked-423',
  'conflict-409',
  'slow',
  'truncated',
  'action-error',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export const FAULT_TARGETS = ['get-server', 'create', 'poll', 'get-image', 'list-page', 'delete'] as const;
export type FaultTarget = (typeof FAULT_TARGETS)[number];

export interface FaultSpec {
  kind: Exclude<FaultKind, 'action-error'>;
  target: FaultTarget;
  /** Which matching request (1 = the first) fails first. */
  nth: number;
  /** How many matching requests in a row fail: more than the client's 5 retries makes it give up. */
  burst: number;
}

/** A RegExp the fake's fault script asks about each request; `decide` answers instead of a pattern. */
class RequestTripwire extends RegExp {
  constructor(private readonly decide: (path: string) => boolean) {
    super('^(?!)$');
  }

  override test(path: string): boolean {
    return this.decide(path);
  }
}

/**
 * Calls `onRequest` with the path of every `method` request when it reaches the fake, before it is answered,
 * and never fails one. Watchers added before any fault see every request.
 */
export function watchRequests(fake: FakeHcloud, method: string, onRequest: (path: string) => void): void {
  fake.failNext({
    method,
    times: Number.MAX_SAFE_INTEGER,
    path: new RequestTripwire((path) => {
      onRequest(path);
      return false;
    }),
  });
}

export interface InjectorTiming {
  /** The client's per-request timeout the campaign set (real ms). */
  clientTimeoutMs: number;
}

export class FaultInjector {
  /** Failing answers given, per kind (a burst of 6 counts 6). */
  readonly injected = Object.fromEntries(FAULT_KINDS.map((kind) => [kind, 0])) as Record<FaultKind, number>;
  readonly injectedAt = Object.fromEntries(FAULT_TARGETS.map((target) => [target, 0])) as Record<
    FaultTarget,
    number
  >;
  /** Requests left unanswered on purpose: the fake never answers them. */
  hangs = 0;
  private generation = 0;

  constructor(
    private readonly fake: FakeHcloud,
    private readonly serverId: number,
    private readonly timing: InjectorTiming,
  ) {}

  /** Calls `onRequest` for every request matching method + pattern, without ever failing one. */
  watch(method: string, pattern: RegExp, onRequest: (path: string) => void): void {
    watchRequests(this.fake, method, (path) => {
      if (pattern.test(path)) onRequest(path);
    });
  }

  /** Arms one fault until the next disarmAll(). */
  arm(spec: FaultSpec, random: SeededRandom): void {
    const generation = this.generation;
    const { method, pattern } = this.route(spec.target);
    let seen = 0;
    const failure: FakeFailure = {
      ...this.answer(spec.kind, random),
      method,
      times: spec.burst,
      path: new RequestTripwire((path) => {
        if (generation !== this.generation || !pattern.test(path)) return false;
        seen++;
        if (seen < spec.nth || seen >= spec.nth + spec.burst) return false;
        this.injected[spec.kind]++;
        this.injectedAt[spec.target]++;
        if (spec.kind === 'timeout-hang') this.hangs++;
        return true;
      }),
    };
    this.fake.failNext(failure);
  }

  /** The next create_image action ends in `error` (the fake then drops its image, as Hetzner does). */
  failNextAction(): void {
    this.fake.failActionsNext(1, {
      code: 'image_failed',
      message: 'injected: the snapshot could not be made',
    });
  }

  countActionError(): void {
    this.injected['action-error']++;
  }

  /** Faults armed but not met stay in the fake's script, inert. */
  disarmAll(): void {
    this.generation++;
  }

  private route(target: FaultTarget): { method: string; pattern: RegExp } {
    switch (target) {
      case 'get-server':
        return { method: 'GET', pattern: new RegExp(`^/v1/servers/${this.serverId}$`) };
      case 'create':
        return { method: 'POST', pattern: new RegExp(`^/v1/servers/${this.serverId}/actions/create_image$`) };
      case 'poll':
        return { method: 'GET', pattern: /^\/v1\/actions\/\d+$/ };
      case 'get-image':
        return { method: 'GET', pattern: /^\/v1\/images\/\d+$/ };
      case 'list-page':
        return { method: 'GET', pattern: /^\/v1\/images$/ };
      case 'delete':
        return { method: 'DELETE', pattern: /^\/v1\/images\/\d+$/ };
    }
  }

  private answer(kind: FaultSpec['kind'], random: SeededRandom): Omit<FakeFailure, 'path'> {
    switch (kind) {
      case 'http-500':
        return { status: 500, code: 'server_error', message: 'injected: internal error' };
      case 'http-502':
        // No code: a bare HTML answer, as a proxy in front of the API sends it.
        return { status: 502 };
      case 'http-503':
        return { status: 503, code: 'unavailable', message: 'injected: service unavailable' };
      case 'http-504':
        return { status: 504, code: 'timeout', message: 'injected: gateway timeout' };
      case 'timeout-hang':
        return { hang: true };
      case 'timeout-late':
        // Answered (and carried out) after the client gave up: the API may act on a request that timed out.
        return { delayMs: this.timing.clientTimeoutMs + 300 };
      case 'rate-limit-429':
        return {
          status: 429,
          code: 'rate_limit_exceeded',
          message: 'injected: limit reached',
          resetAfterSeconds: random.int(1, 120),
        };
      case 'locked-423':
        return { status: 423, code: 'locked', message: 'injected: resource is locked' };
      case 'conflict-409':
        return { status: 409, code: 'conflict', message: 'injected: conflict' };
      case 'slow':
        return { delayMs: random.int(20, Math.max(40, Math.floor(this.timing.clientTimeoutMs / 4))) };
      case 'truncated':
        return { truncate: true };
    }
  }
}
