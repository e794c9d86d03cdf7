import { actionDurationMs, expectedSnapshotMs, pollDelayMs, POLL_MAX_GAP_MS } from './poll-schedule';

/** The times (ms after the action started) at which the polls happen, until `doneAtMs` is seen. */
function pollTimes(expected: number | null, doneAtMs: number): number[] {
  const times: number[] = [];
  let at = 0;
  for (let poll = 0; at < doneAtMs; poll++) {
    at += pollDelayMs(expected, poll);
    times.push(at);
  }
  return times;
}

describe('expectedSnapshotMs', () => {
  it.each<[string, (number | null)[], number | null]>([
    ['nothing learned yet', [], null],
    ['one run is not enough', [60_000], null],
    ['the median of two', [60_000, 62_000], 61_000],
    ['the median resists one slow run', [60_000, 600_000, 61_000], 61_000],
    ['only the newest five count', [10_000, 10_000, 10_000, 90_000, 90_000, 90_000, 90_000], 10_000],
    ['unusable durations are skipped', [null, 0, -5, Number.NaN, 60_000, 60_000], 60_000],
  ])('%s', (_what, durations, expected) => {
    expect(expectedSnapshotMs(durations)).toBe(expected);
  });
});

describe('pollDelayMs', () => {
  it.each<[string, number | null, number, number[]]>([
    // Before anything is learned: the client's schedule, 1 s doubling to 30 s.
    ['unlearned, 60 s snapshot', null, 60_000, [1_000, 3_000, 7_000, 15_000, 31_000, 61_000]],
    ['learned 60 s, done in 60 s: one look', 60_000, 60_000, [64_000]],
    ['learned 60 s, done in 66 s: then briefly backs off', 60_000, 66_000, [64_000, 66_000]],
    ['learned 60 s, done in 75 s', 60_000, 75_000, [64_000, 66_000, 70_000, 78_000]],
    ['learned 5 s, done in 5 s', 5_000, 5_000, [6_250]],
  ])('%s', (_what, expected, doneAt, times) => {
    expect(pollTimes(expected, doneAt)).toEqual(times);
  });

  it('a long snapshot is looked at at least every POLL_MAX_GAP_MS, however long it is expected to take', () => {
    const times = pollTimes(30 * 60_000, 35 * 60_000);
    const gaps = times.map((t, i) => t - (times[i - 1] ?? 0));
    expect(Math.max(...gaps)).toBeLessThanOrEqual(POLL_MAX_GAP_MS);
    // Evenly spaced up to a little past the expected end: 16 looks for 30 minutes, then short ones.
    const target = 30 * 60_000 * 1.05 + 1_000;
    expect(times.findIndex((t) => t >= target)).toBe(15);
    // Then 2 s, 4 s … 30 s: ten more looks for the three and a half minutes it ran late.
    expect(times).toHaveLength(26);
  });

  it('a snapshot far slower than learned still ends with gaps of at most 30 s once past the expectation', () => {
    const times = pollTimes(60_000, 10 * 60_000);
    const late = times.slice(1).map((t, i) => t - times[i]);
    expect(Math.max(...late)).toBe(30_000);
  });
});

describe('actionDurationMs', () => {
  it.each<[string, { started: string; finished: string | null }, number | null]>([
    ['finished', { started: '2026-12-01T10:00:00Z', finished: '2026-12-01T10:01:02Z' }, 62_000],
    ['still running', { started: '2026-12-01T10:00:00Z', finished: null }, null],
    ['unreadable', { started: 'soon', finished: '2026-12-01T10:01:02Z' }, null],
    [
      'finished before it started',
      { started: '2026-12-01T10:00:00Z', finished: '2026-12-01T09:00:00Z' },
      null,
    ],
  ])('%s', (_what, action, expected) => {
    expect(actionDurationMs(action)).toBe(expected);
  });
});
