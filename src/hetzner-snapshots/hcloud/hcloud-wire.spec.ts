import { isHcloudError } from './hcloud-api.error';
import { allPages, combinedSignal, errorOfAnswer, noAnswerError, parseBody } from './hcloud-wire';

const req = { method: 'GET', path: '/images/7' };

describe('allPages', () => {
  it('follows next_page, and ends at a next page that does not move forward', async () => {
    const seen: number[] = [];
    const items = await allPages(async (page) => {
      seen.push(page);
      return { items: [page * 10], nextPage: page < 3 ? page + 1 : 2 };
    });
    expect(seen).toEqual([1, 2, 3]);
    expect(items).toEqual([10, 20, 30]);
  });
});

describe('errorOfAnswer', () => {
  it("keeps the API's code and message (through redact) from its envelope", () => {
    const { error, hasEnvelope } = errorOfAnswer(
      req,
      { status: 423, body: { error: { code: 'locked', message: 'token abc is busy' } }, rateLimit: null },
      (text) => text.replace('abc', '[redacted]'),
    );
    expect(hasEnvelope).toBe(true);
    expect(error).toMatchObject({ status: 423, code: 'locked', message: 'token [redacted] is busy' });
    expect(isHcloudError(error, 'locked')).toBe(true);
    expect(isHcloudError(error, 'protected')).toBe(false);
  });

  it('names a bare status (a proxy answered) http_<status>; a 404 still counts as not_found', () => {
    const { error, hasEnvelope } = errorOfAnswer(
      req,
      { status: 404, body: 'nope', rateLimit: null },
      (t) => t,
    );
    expect(hasEnvelope).toBe(false);
    expect(error.code).toBe('http_404');
    expect(error.message).toBe(
      'Hetzner Cloud API answered GET /images/7 with HTTP 404 Not Found and no error details',
    );
    expect(isHcloudError(error, 'not_found')).toBe(true);
  });

  it('carries RateLimit-Reset on a 429', () => {
    const resetAt = new Date('2026-11-22T12:00:00Z');
    const { error } = errorOfAnswer(
      req,
      { status: 429, body: undefined, rateLimit: { limit: 3600, remaining: 0, resetAt } },
      (t) => t,
    );
    expect(error.rateLimitResetAt).toEqual(resetAt);
  });
});

describe('noAnswerError and parseBody', () => {
  it('tells a timeout from a refused connection', () => {
    const refused = new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } });
    expect(noAnswerError(req, { timedOut: true, timeoutMs: 5000, err: null })).toMatchObject({
      code: 'timeout',
      status: 0,
    });
    expect(noAnswerError(req, { timedOut: false, timeoutMs: 5000, err: refused })).toMatchObject({
      code: 'network_error',
      networkCode: 'ECONNREFUSED',
    });
  });

  it('reads JSON, nothing, or not JSON', () => {
    expect(parseBody('{"a":1}')).toEqual({ body: { a: 1 }, parsed: true });
    expect(parseBody('')).toEqual({ body: undefined, parsed: true });
    expect(parseBody('<html>')).toEqual({ body: undefined, parsed: false });
  });
});

describe('isHcloudError', () => {
  it('is false for anything but an API error, and true for any API error without codes', () => {
    expect(isHcloudError(new Error('x'))).toBe(false);
    expect(isHcloudError(noAnswerError(req, { timedOut: true, timeoutMs: 1, err: null }))).toBe(true);
    expect(
      isHcloudError(noAnswerError(req, { timedOut: true, timeoutMs: 1, err: null }), 'timeout', 'locked'),
    ).toBe(true);
  });
});

describe('combinedSignal', () => {
  it('is the one signal given, or none', () => {
    const only = new AbortController().signal;
    expect(combinedSignal(undefined, only).signal).toBe(only);
    expect(combinedSignal(undefined, undefined).signal).toBeUndefined();
  });

  it('aborts with the reason of whichever source aborts first', () => {
    const shutdown = new AbortController();
    const timeout = new AbortController();
    const { signal } = combinedSignal(shutdown.signal, undefined, timeout.signal);
    expect(signal?.aborted).toBe(false);
    const reason = new Error('timed out');
    timeout.abort(reason);
    expect(signal?.aborted).toBe(true);
    expect(signal?.reason).toBe(reason);
    shutdown.abort(new Error('later'));
    expect(signal?.reason).toBe(reason);
  });

  it('starts aborted when a source already is', () => {
    const done = new AbortController();
    done.abort('stopped');
    const { signal } = combinedSignal(new AbortController().signal, done.signal);
    expect(signal?.aborted).toBe(true);
    expect(signal?.reason).toBe('stopped');
  });

  it('leaves nothing on a long-lived source once released', () => {
    const shutdown = new AbortController();
    const added: unknown[] = [];
    const removed: unknown[] = [];
    const addEventListener = shutdown.signal.addEventListener.bind(shutdown.signal);
    const removeEventListener = shutdown.signal.removeEventListener.bind(shutdown.signal);
    jest.spyOn(shutdown.signal, 'addEventListener').mockImplementation((type, listener, options) => {
      added.push(listener);
      addEventListener(type, listener, options);
    });
    jest.spyOn(shutdown.signal, 'removeEventListener').mockImplementation((type, listener, options) => {
      removed.push(listener);
      removeEventListener(type, listener, options);
    });
    for (let i = 0; i < 3; i++) combinedSignal(shutdown.signal, new AbortController().signal).release();
    expect(added).toHaveLength(3);
    expect(removed).toEqual(added);

    // Released, it no longer follows the source.
    const { signal, release } = combinedSignal(shutdown.signal, new AbortController().signal);
    release();
    shutdown.abort();
    expect(signal?.aborted).toBe(false);
  });
});
