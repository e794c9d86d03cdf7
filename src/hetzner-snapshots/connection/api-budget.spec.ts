import {
  backgroundMayRun,
  budgetPressure,
  describeBudget,
  estimateRemaining,
  listMaxAgeMs,
  pageRefreshSeconds,
  type SeenRateLimit,
} from './api-budget';

const NOW = new Date('2026-12-01T12:00:00Z');
const seen = (remaining: number, secondsAgo = 0, limit = 3600): SeenRateLimit => ({
  limit,
  remaining,
  seenAt: new Date(NOW.getTime() - secondsAgo * 1000),
  resetAt: new Date(NOW.getTime() - secondsAgo * 1000 + (limit - remaining) * 1000),
});

describe('estimateRemaining', () => {
  it.each<[string, SeenRateLimit | null, number | null]>([
    ['nothing seen yet', null, null],
    ['just seen', seen(1200), 1200],
    ['refilled one a second since', seen(1200, 60), 1260],
    ['never above the limit', seen(3500, 600), 3600],
    ['full once the reset time has passed', seen(10, 4000), 3600],
  ])('%s', (_what, rateLimit, expected) => {
    expect(estimateRemaining(rateLimit, NOW)).toBe(expected);
  });
});

describe('budgetPressure and what may spend', () => {
  it.each<[SeenRateLimit | null, string, boolean, number, number]>([
    // seen, pressure, background may run, list max age (ms), page refresh (s)
    [null, 'unknown', true, 30_000, 5],
    [seen(3000), 'ok', true, 30_000, 5],
    [seen(720), 'ok', true, 30_000, 5],
    [seen(719), 'low', false, 300_000, 60],
    [seen(359), 'critical', false, 900_000, 300],
    [seen(0), 'critical', false, 900_000, 300],
    [seen(100, 300), 'low', false, 300_000, 60],
  ])('%j → %s', (rateLimit, pressure, background, maxAge, refresh) => {
    const p = budgetPressure(rateLimit, NOW);
    expect(p).toBe(pressure);
    expect(backgroundMayRun(p)).toBe(background);
    expect(listMaxAgeMs(p, 30_000)).toBe(maxAge);
    expect(pageRefreshSeconds(p, 5)).toBe(refresh);
  });
});

describe('describeBudget', () => {
  it('says what is left and what this panel spent', () => {
    expect(describeBudget({ seen: seen(1200), now: NOW, spentLastHour: 17 })).toBe(
      'About 1200 of 3600 API requests left this hour (shared by the whole project); this panel spent 17 in the last hour.',
    );
    expect(describeBudget({ seen: null, now: NOW, spentLastHour: 0 })).toBe(
      'API budget not known yet; this panel spent 0 in the last hour.',
    );
  });
});
