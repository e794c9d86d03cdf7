import {
  CLEAR_CONDITION,
  ConditionState,
  channelWants,
  decideCondition,
  eventName,
  observationsForRun,
  readKinds,
  retryDelayMs,
  severityOf,
} from './notification.rules';

const at = (h: number) => new Date(Date.UTC(2026, 0, 1) + h * 3_600_000);
const active = (since: number, notified: number | null, last: number | null = notified): ConditionState => ({
  active: true,
  since: at(since),
  notifiedAt: notified === null ? null : at(notified),
  lastSentAt: last === null ? null : at(last),
});

describe('decideCondition (collapsing)', () => {
  it.each([
    {
      name: 'a new problem is announced at once',
      state: CLEAR_CONDITION,
      observed: true,
      now: 0,
      delay: 0,
      send: 'started',
    },
    {
      name: 'a repeat within a day is collapsed',
      state: active(0, 0),
      observed: true,
      now: 5,
      delay: 0,
      send: null,
    },
    {
      name: 'a repeat a day later is a reminder',
      state: active(0, 0),
      observed: true,
      now: 24,
      delay: 0,
      send: 'reminder',
    },
    {
      name: 'time passing a day later is a reminder too',
      state: active(0, 0),
      observed: null,
      now: 25,
      delay: 0,
      send: 'reminder',
    },
    {
      name: 'the next reminder counts from the last one',
      state: active(0, 0, 24),
      observed: null,
      now: 30,
      delay: 0,
      send: null,
    },
    {
      name: 'the end of an announced problem is announced',
      state: active(0, 0),
      observed: false,
      now: 3,
      delay: 0,
      send: 'ended',
    },
    {
      name: 'nothing wrong, nothing wrong: silence',
      state: CLEAR_CONDITION,
      observed: false,
      now: 3,
      delay: 0,
      send: null,
    },
    {
      name: 'time passing without a problem: silence',
      state: CLEAR_CONDITION,
      observed: null,
      now: 3,
      delay: 0,
      send: null,
    },
    {
      name: 'a delayed problem waits for its delay',
      state: CLEAR_CONDITION,
      observed: true,
      now: 0,
      delay: 24,
      send: null,
    },
    {
      name: 'a delayed problem still there after its delay starts',
      state: active(0, null),
      observed: true,
      now: 24,
      delay: 24,
      send: 'started',
    },
    {
      name: 'a delayed problem starts on a timer tick too',
      state: active(0, null),
      observed: null,
      now: 25,
      delay: 24,
      send: 'started',
    },
    {
      name: 'a delayed problem gone before its delay is never told',
      state: active(0, null),
      observed: false,
      now: 10,
      delay: 24,
      send: null,
    },
  ] as const)('$name', ({ state, observed, now, delay, send }) => {
    const decision = decideCondition({ state, observed, now: at(now), startDelayMs: delay * 3_600_000 });
    expect(decision.send).toBe(send);
    if (observed === false) expect(decision.next.active).toBe(false);
    if (observed === true) expect(decision.next.active).toBe(true);
  });

  it('keeps when the problem started across repeats and reminders', () => {
    const first = decideCondition({ state: CLEAR_CONDITION, observed: true, now: at(0) });
    const again = decideCondition({ state: first.next, observed: true, now: at(30) });
    expect(again.send).toBe('reminder');
    expect(again.next.since).toEqual(at(0));
    expect(again.next.lastSentAt).toEqual(at(30));
  });
});

describe('observationsForRun', () => {
  it.each([
    {
      run: { trigger: 'schedule', status: 'failed', errorCode: 'image_failed', retentionBlocked: false },
      expected: { 'cycle.failed': true },
    },
    {
      run: { trigger: 'schedule', status: 'failed', errorCode: 'unauthorized', retentionBlocked: false },
      expected: { 'cycle.failed': true, 'token.rejected': true },
    },
    {
      run: { trigger: 'cli', status: 'failed', errorCode: 'forbidden', retentionBlocked: false },
      expected: { 'cycle.failed': true, 'token.rejected': true },
    },
    {
      run: {
        trigger: 'schedule',
        status: 'failed',
        errorCode: 'resource_limit_exceeded',
        retentionBlocked: false,
      },
      expected: { 'cycle.failed': true, 'limit.reached': true },
    },
    {
      run: { trigger: 'schedule', status: 'interrupted', errorCode: 'interrupted', retentionBlocked: false },
      expected: { 'cycle.failed': true },
    },
    {
      run: { trigger: 'schedule', status: 'succeeded', errorCode: null, retentionBlocked: false },
      expected: {
        'cycle.failed': false,
        'snapshots.overdue': false,
        'token.rejected': false,
        'limit.reached': false,
        'retention.blocked': false,
      },
    },
    {
      run: { trigger: 'schedule', status: 'succeeded', errorCode: null, retentionBlocked: true },
      expected: {
        'cycle.failed': false,
        'snapshots.overdue': false,
        'token.rejected': false,
        'limit.reached': false,
        'retention.blocked': true,
      },
    },
    {
      run: { trigger: 'prune', status: 'failed', errorCode: 'prune_not_possible', retentionBlocked: true },
      expected: { 'retention.blocked': true },
    },
    {
      run: { trigger: 'prune', status: 'succeeded', errorCode: null, retentionBlocked: false },
      expected: { 'token.rejected': false, 'limit.reached': false, 'retention.blocked': false },
    },
    {
      run: { trigger: 'schedule', status: 'running', errorCode: null, retentionBlocked: false },
      expected: {},
    },
  ] as const)('$run.trigger $run.status $run.errorCode', ({ run, expected }) => {
    expect(observationsForRun(run)).toEqual(expected);
  });
});

describe('retryDelayMs (backoff)', () => {
  it.each([
    { attempt: 1, expected: 30_000 },
    { attempt: 2, expected: 120_000 },
    { attempt: 3, expected: 600_000 },
    { attempt: 4, expected: 1_800_000 },
    { attempt: 5, expected: null },
    { attempt: 9, expected: null },
  ])('after failed attempt $attempt → $expected', ({ attempt, expected }) => {
    expect(retryDelayMs(attempt)).toBe(expected);
  });

  it('a lower cap gives up sooner', () => {
    expect(retryDelayMs(2, 2)).toBeNull();
  });
});

describe('channelWants', () => {
  it.each([
    { enabled: true, events: ['cycle.failed'], kind: 'cycle.failed', expected: true },
    { enabled: true, events: ['cycle.failed'], kind: 'snapshots.overdue', expected: false },
    { enabled: false, events: ['cycle.failed'], kind: 'cycle.failed', expected: false },
    { enabled: true, events: [], kind: 'drill.failed', expected: false },
  ] as const)('$events ($enabled) wants $kind: $expected', ({ enabled, events, kind, expected }) => {
    expect(channelWants({ enabled, events: [...events] }, kind)).toBe(expected);
  });
});

describe('names and severities', () => {
  it.each([
    { kind: 'cycle.failed', phase: 'started', name: 'cycle.failed', severity: 'error' },
    { kind: 'cycle.failed', phase: 'ended', name: 'cycle.recovered', severity: 'info' },
    { kind: 'snapshots.overdue', phase: 'reminder', name: 'snapshots.overdue', severity: 'critical' },
    { kind: 'snapshots.overdue', phase: 'ended', name: 'snapshots.resolved', severity: 'info' },
    { kind: 'token.rejected', phase: 'started', name: 'token.rejected', severity: 'critical' },
    { kind: 'retention.blocked', phase: 'started', name: 'retention.blocked', severity: 'warning' },
  ] as const)('$kind $phase → $name ($severity)', ({ kind, phase, name, severity }) => {
    expect(eventName(kind, phase)).toBe(name);
    expect(severityOf(kind, phase)).toBe(severity);
  });

  it('reads a stored list in the fixed order and drops unknown names', () => {
    expect(readKinds('drill.failed, cycle.failed,nonsense')).toEqual(['cycle.failed', 'drill.failed']);
    expect(readKinds(null)).toEqual([]);
  });
});
