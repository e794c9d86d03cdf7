import { isActionPollDue, isDetailsRefreshDue, isListRefreshDue } from './snapshot-list.freshness';

const NOW = new Date('2026-11-22T12:00:00Z');
const ago = (ms: number) => new Date(NOW.getTime() - ms);

describe('isListRefreshDue', () => {
  it.each([
    ['nothing cached yet', null, true],
    ['fetched 10 s ago', { fetchedAt: ago(10_000), lastErrorAt: null }, false],
    ['fetched 29.9 s ago', { fetchedAt: ago(29_900), lastErrorAt: null }, false],
    ['fetched 30 s ago', { fetchedAt: ago(30_000), lastErrorAt: null }, true],
    ['marked stale', { fetchedAt: null, lastErrorAt: null }, true],
    ['failed 5 s ago, never fetched', { fetchedAt: null, lastErrorAt: ago(5_000) }, false],
    ['failed 5 s ago after an old fetch', { fetchedAt: ago(60_000), lastErrorAt: ago(5_000) }, false],
    ['failed 31 s ago', { fetchedAt: ago(60_000), lastErrorAt: ago(31_000) }, true],
    ['an old failure before a fresh fetch', { fetchedAt: ago(5_000), lastErrorAt: ago(50_000) }, false],
    [
      'fetched "in the future" (clock set back)',
      { fetchedAt: new Date(NOW.getTime() + 60_000), lastErrorAt: null },
      true,
    ],
  ])('%s → %p', (_name, cache, due) => expect(isListRefreshDue(cache, NOW)).toBe(due));

  it('waits longer while the API budget is low (a longer max age)', () => {
    const cache = { fetchedAt: ago(60_000), lastErrorAt: null };
    expect(isListRefreshDue(cache, NOW)).toBe(true);
    expect(isListRefreshDue(cache, NOW, 300_000)).toBe(false);
    expect(isListRefreshDue({ fetchedAt: null, lastErrorAt: null }, NOW, 300_000)).toBe(true);
  });
});

describe('isDetailsRefreshDue', () => {
  it.each([
    [null, true],
    [ago(5 * 3_600_000), false],
    [ago(6 * 3_600_000), true],
  ])('%p → %p', (at, due) => expect(isDetailsRefreshDue(at, NOW)).toBe(due));
});

describe('isActionPollDue', () => {
  it.each([
    [null, true],
    [ago(4_999), false],
    [ago(5_000), true],
  ])('%p → %p', (at, due) => expect(isActionPollDue(at, NOW)).toBe(due));
});
