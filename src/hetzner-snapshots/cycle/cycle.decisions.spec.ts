import { HcloudActionFailedError, HcloudApiError, type HcloudImage } from '../hcloud';
import {
  autoSnapshotDescription,
  CycleStepError,
  describeCycleFailure,
  isCatchUpDue,
  isOverdue,
  isScheduledRunAt,
  isTransientApiFailure,
  lockedRetryDelayMs,
  toRetentionCandidate,
  trimHookOutput,
  isRetentionBlocked,
} from './cycle.decisions';

const HOUR = 3_600_000;
const MIN = 60_000;
const at = (iso: string) => new Date(iso);

describe('lockedRetryDelayMs', () => {
  it.each([
    { attempt: 0, elapsedMs: 0, expected: 5_000 },
    { attempt: 1, elapsedMs: 5_000, expected: 10_000 },
    { attempt: 2, elapsedMs: 15_000, expected: 20_000 },
    { attempt: 3, elapsedMs: 35_000, expected: 40_000 },
    { attempt: 4, elapsedMs: 75_000, expected: 60_000 },
    { attempt: 12, elapsedMs: 8 * MIN, expected: 60_000 },
    // the wait would end past the 10-minute budget: give up instead
    { attempt: 12, elapsedMs: 9.5 * MIN, expected: null },
    { attempt: 0, elapsedMs: 10 * MIN, expected: null },
  ])('attempt $attempt after $elapsedMs ms → $expected', ({ attempt, elapsedMs, expected }) => {
    expect(lockedRetryDelayMs({ attempt, elapsedMs })).toBe(expected);
  });

  it('takes a custom budget', () => {
    expect(lockedRetryDelayMs({ attempt: 0, elapsedMs: 0, budgetMs: 4_000 })).toBeNull();
  });
});

describe('isCatchUpDue', () => {
  const now = at('2026-11-22T12:00:00Z');
  it.each([
    {
      name: 'never succeeded, next run far',
      lastSuccessAt: null,
      nextRunAt: at('2026-11-22T18:00:00Z'),
      expected: true,
    },
    { name: 'never succeeded, paused (no next run)', lastSuccessAt: null, nextRunAt: null, expected: true },
    {
      name: 'success within the period',
      lastSuccessAt: at('2026-11-22T07:00:00Z'),
      nextRunAt: at('2026-11-22T18:00:00Z'),
      expected: false,
    },
    {
      name: 'success exactly one period ago',
      lastSuccessAt: at('2026-11-22T06:00:00Z'),
      nextRunAt: at('2026-11-22T18:00:00Z'),
      expected: false,
    },
    {
      name: 'success longer than a period ago',
      lastSuccessAt: at('2026-11-22T05:59:00Z'),
      nextRunAt: at('2026-11-22T18:00:00Z'),
      expected: true,
    },
    {
      name: 'missed, but the next run is in 10 minutes',
      lastSuccessAt: at('2026-11-21T00:00:00Z'),
      nextRunAt: at('2026-11-22T12:10:00Z'),
      expected: false,
    },
    {
      name: 'missed, next run in 20 minutes',
      lastSuccessAt: at('2026-11-21T00:00:00Z'),
      nextRunAt: at('2026-11-22T12:20:00Z'),
      expected: true,
    },
  ])('$name → $expected', ({ lastSuccessAt, nextRunAt, expected }) => {
    expect(isCatchUpDue({ now, lastSuccessAt, nextRunAt, periodMs: 6 * HOUR })).toBe(expected);
  });
});

describe('isOverdue', () => {
  const now = at('2026-11-22T12:00:00Z');
  const since = at('2026-11-01T00:00:00Z');
  it.each([
    { name: 'recent success', lastSuccessAt: at('2026-11-22T06:00:00Z'), since, expected: false },
    { name: 'exactly two periods', lastSuccessAt: at('2026-11-22T00:00:00Z'), since, expected: false },
    { name: 'just over two periods', lastSuccessAt: at('2026-11-21T23:59:00Z'), since, expected: true },
    { name: 'never, schedule changed long ago', lastSuccessAt: null, since, expected: true },
    {
      name: 'never, schedule changed an hour ago',
      lastSuccessAt: null,
      since: at('2026-11-22T11:00:00Z'),
      expected: false,
    },
  ])('$name → $expected', ({ lastSuccessAt, since: from, expected }) => {
    expect(isOverdue({ now, lastSuccessAt, since: from, periodMs: 6 * HOUR })).toBe(expected);
  });
});

describe('isRetentionBlocked', () => {
  it.each([
    {
      pruneNote: 'Nothing was deleted: the list of automatic snapshots could not be read completely (x).',
      errorCode: null,
      expected: true,
    },
    { pruneNote: 'Nothing was deleted: tiers unreadable.', errorCode: 'prune_not_possible', expected: true },
    { pruneNote: null, errorCode: 'prune_not_possible', expected: true },
    { pruneNote: 'Deleted nothing. Keeping 3.', errorCode: null, expected: false },
    {
      pruneNote: 'Nothing was pruned: no new snapshot was confirmed in this cycle.',
      errorCode: 'image_failed',
      expected: false,
    },
    { pruneNote: null, errorCode: null, expected: false },
  ])('$pruneNote / $errorCode → $expected', ({ pruneNote, errorCode, expected }) => {
    expect(isRetentionBlocked({ pruneNote, errorCode })).toBe(expected);
  });
});

describe('trimHookOutput', () => {
  it.each([
    { input: '  done\n', expected: 'done' },
    { input: 'a\r\nb\r\n', expected: 'a\nb' },
    { input: '', expected: '' },
    { input: 'x'.repeat(10), expected: 'x'.repeat(10) },
    { input: `start${'y'.repeat(20)}END`, expected: `…${'y'.repeat(6)}END` },
  ])('$input', ({ input, expected }) => {
    expect(trimHookOutput(input, 10)).toBe(expected);
  });
});

describe('autoSnapshotDescription', () => {
  it('names the server and the UTC time to the second', () => {
    expect(autoSnapshotDescription('web-1', at('2026-11-22T03:30:05.123Z'))).toBe(
      'web-1 auto 2026-11-22T03:30:05Z',
    );
  });
});

describe('isTransientApiFailure', () => {
  const err = (status: number, code: string) => new HcloudApiError({ status, code, message: code });
  it.each([
    { error: err(0, 'network_error'), expected: true },
    { error: err(0, 'timeout'), expected: true },
    { error: err(429, 'rate_limit_exceeded'), expected: true },
    { error: err(503, 'unavailable'), expected: true },
    { error: err(404, 'not_found'), expected: false },
    { error: err(401, 'unauthorized'), expected: false },
    { error: new Error('boom'), expected: false },
  ])('$error.message → $expected', ({ error, expected }) => {
    expect(isTransientApiFailure(error)).toBe(expected);
  });
});

describe('toRetentionCandidate', () => {
  it('reads the fields retention judges, missing ones on the safe side', () => {
    const image = {
      id: 7,
      type: 'snapshot',
      status: 'available',
      description: 'web-1 auto',
      created: '2026-11-20T03:30:00Z',
      created_from: null,
      protection: { delete: true },
      labels: { 'managed-by': 'snapshot-panel' },
    } as unknown as HcloudImage;
    expect(toRetentionCandidate(image)).toEqual({
      id: 7,
      serverId: null,
      created: at('2026-11-20T03:30:00Z'),
      status: 'available',
      protected: true,
      labels: { 'managed-by': 'snapshot-panel' },
      type: 'snapshot',
      description: 'web-1 auto',
    });
  });
});

describe('describeCycleFailure', () => {
  it('keeps the code and sentence of the panel’s own errors', () => {
    expect(describeCycleFailure(new CycleStepError('pre_hook_failed', 'The pre hook failed.'))).toEqual({
      code: 'pre_hook_failed',
      message: 'The pre hook failed.',
    });
  });
  it('describes Hetzner errors for a person', () => {
    const failure = describeCycleFailure(
      new HcloudApiError({ status: 401, code: 'unauthorized', message: 'unable to authenticate' }),
    );
    expect(failure.code).toBe('unauthorized');
    expect(failure.message).toContain('API token was rejected');
  });
  it('describes a failed action', () => {
    const action = {
      id: 9,
      command: 'create_image',
      status: 'error',
      progress: 100,
      started: '',
      finished: '',
      resources: [],
      error: { code: 'image_failed', message: 'disk error' },
    } as never;
    expect(describeCycleFailure(new HcloudActionFailedError(action))).toEqual({
      code: 'image_failed',
      message: expect.stringContaining('disk error'),
    });
  });
  it('uses the code of errors that carry one, and "unexpected" otherwise', () => {
    const noToken = Object.assign(new Error('No token is set.'), { code: 'no_token' });
    expect(describeCycleFailure(noToken)).toEqual({ code: 'no_token', message: 'No token is set.' });
    expect(describeCycleFailure(new Error('boom')).code).toBe('unexpected');
  });
});

describe('isScheduledRunAt (timer ticks checked against the real schedule)', () => {
  const daily = { expression: '30 3 * * *', timeZone: 'Europe/Berlin', toleranceMs: 120_000 };
  it.each([
    ['the real 03:30 run on a normal day', '2026-10-20T01:30:00.010Z', true],
    ['the 03:30 CET run on the autumn DST day', '2026-10-25T02:30:00.000Z', true],
    ['the phantom 02:30 CET tick cron 4.4 fires on the autumn DST day', '2026-10-25T01:30:00.000Z', false],
    ['a tick a minute late', '2026-10-20T01:31:00.000Z', true],
    ['a tick far from any run', '2026-10-20T09:00:00.000Z', false],
  ])('%s', (_name, at, expected) => {
    expect(isScheduledRunAt({ ...daily, at: new Date(at) })).toBe(expected);
  });
});
