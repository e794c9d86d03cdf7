import {
  type AttemptFailure,
  backoffDelayMs,
  decideRetry,
  isRetryable,
  rateLimitDelayMs,
  type RequestSafety,
} from './hcloud-retry.policy';

const http = (status: number, code: string, hasEnvelope = true): AttemptFailure => ({
  kind: 'http',
  status,
  code,
  hasEnvelope,
});

describe('isRetryable', () => {
  const cases: [string, AttemptFailure, idempotent: boolean, creates: boolean][] = [
    ['409 conflict', http(409, 'conflict'), true, true],
    ['409 uniqueness_error', http(409, 'uniqueness_error'), false, false],
    ['429 rate_limit_exceeded', http(429, 'rate_limit_exceeded'), true, true],
    ['429 without a body', http(429, 'http_429', false), true, true],
    ['502 without a body', http(502, 'http_502', false), true, false],
    ['503 unavailable (envelope)', http(503, 'unavailable'), true, true],
    ['503 without a body', http(503, 'http_503', false), true, false],
    ['504 timeout (envelope)', http(504, 'timeout'), true, false],
    ['504 without a body', http(504, 'http_504', false), true, false],
    ['500 server_error', http(500, 'server_error'), false, false],
    ['423 locked', http(423, 'locked'), false, false],
    ['423 protected', http(423, 'protected'), false, false],
    ['401 unauthorized', http(401, 'unauthorized'), false, false],
    ['401 token_readonly', http(401, 'token_readonly'), false, false],
    ['403 resource_limit_exceeded', http(403, 'resource_limit_exceeded'), false, false],
    ['404 not_found', http(404, 'not_found'), false, false],
    ['422 invalid_input', http(422, 'invalid_input'), false, false],
    ['our timeout', { kind: 'timeout' }, true, false],
    ['connection refused', { kind: 'network', networkCode: 'ECONNREFUSED' }, true, true],
    ['DNS failure', { kind: 'network', networkCode: 'ENOTFOUND' }, true, true],
    ['connection reset', { kind: 'network', networkCode: 'ECONNRESET' }, true, false],
    ['socket closed mid-request', { kind: 'network', networkCode: 'UND_ERR_SOCKET' }, true, false],
    ['network error of unknown kind', { kind: 'network' }, true, false],
  ];

  const rows = cases.map(([name, failure, idempotent, creates]) => ({ name, failure, idempotent, creates }));
  test.each(rows)(
    '$name: idempotent request $idempotent, creating POST $creates',
    ({ failure, idempotent, creates }) => {
      expect(isRetryable(failure, 'idempotent')).toBe(idempotent);
      expect(isRetryable(failure, 'creates')).toBe(creates);
    },
  );
});

describe('backoffDelayMs', () => {
  test('doubles from 1 s and caps at 60 s, with equal jitter between half and all of it', () => {
    const exp = [1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000];
    exp.forEach((full, retry) => {
      expect(backoffDelayMs(retry, () => 0)).toBe(full / 2);
      expect(backoffDelayMs(retry, () => 0.999999)).toBe(full);
      expect(backoffDelayMs(retry, () => 0.5)).toBe(full * 0.75);
    });
  });
});

describe('rateLimitDelayMs', () => {
  const now = Date.UTC(2026, 4, 11, 10, 0, 0);
  test('waits until RateLimit-Reset plus up to 1 s of jitter', () => {
    expect(rateLimitDelayMs(new Date(now + 20_000), now, () => 0)).toBe(20_000);
    expect(rateLimitDelayMs(new Date(now + 20_000), now, () => 0.5)).toBe(20_500);
  });
  test('caps a far-away reset (a full bucket can be an hour away) at 60 s', () => {
    expect(rateLimitDelayMs(new Date(now + 3_600_000), now, () => 0)).toBe(60_000);
  });
  test('waits at least 1 s when the reset is now or already past (clock skew)', () => {
    expect(rateLimitDelayMs(new Date(now - 5_000), now, () => 0)).toBe(1_000);
  });
});

describe('decideRetry', () => {
  const ctx = (retriesSoFar: number, safety: RequestSafety = 'idempotent') => ({
    safety,
    retriesSoFar,
    maxRetries: 5,
    random: () => 0,
    nowMs: 1_000_000,
  });

  test('stops after maxRetries', () => {
    expect(decideRetry(http(503, 'unavailable'), ctx(4))).toEqual({ retry: true, delayMs: 8000 });
    expect(decideRetry(http(503, 'unavailable'), ctx(5))).toEqual({ retry: false });
  });

  test('uses RateLimit-Reset for 429 instead of the backoff', () => {
    const failure: AttemptFailure = {
      ...http(429, 'rate_limit_exceeded'),
      rateLimitResetAt: new Date(1_000_000 + 7_000),
    } as AttemptFailure;
    expect(decideRetry(failure, ctx(3))).toEqual({ retry: true, delayMs: 7_000 });
  });

  test('falls back to the backoff for 429 without RateLimit-Reset', () => {
    expect(decideRetry(http(429, 'rate_limit_exceeded'), ctx(2))).toEqual({ retry: true, delayMs: 2_000 });
  });

  test('never retries a creating POST after a timeout', () => {
    expect(decideRetry({ kind: 'timeout' }, ctx(0, 'creates'))).toEqual({ retry: false });
  });
});
