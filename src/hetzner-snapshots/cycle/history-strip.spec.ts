import { CycleRun, CycleRunStatus } from './cycle-run.entity';
import { presentHistoryStrip } from './history.presenter';

const NOW = new Date('2026-11-22T12:00:00Z');
const DAY = 86_400_000;
let nextId = 1;

function run(daysAgo: number, status: CycleRunStatus, seconds: number, requests = 4): CycleRun {
  const startedAt = new Date(NOW.getTime() - daysAgo * DAY);
  return Object.assign(new CycleRun(), {
    id: nextId++,
    trigger: 'schedule',
    status,
    phase: status === 'running' ? 'waiting' : 'done',
    startedAt,
    finishedAt: status === 'running' ? null : new Date(startedAt.getTime() + seconds * 1000),
    requestCount: requests,
  });
}

/** Newest first, as the store lists them. */
function strip(runs: CycleRun[]) {
  return presentHistoryStrip({
    runs,
    now: NOW,
    timeZone: 'Europe/Berlin',
    historyPath: '/history',
    pageSize: 20,
  });
}

describe('presentHistoryStrip', () => {
  it('is absent without cycles', () => {
    expect(strip([])).toBeNull();
  });

  it('draws the last 30 cycles oldest first, height by duration, each a link to its row and page', () => {
    const runs = Array.from({ length: 40 }, (_, i) => run(i + 1, 'succeeded', 60 + i));
    const view = strip(runs)!;
    expect(view.bars).toHaveLength(30);
    // The newest (index 0 in the store's order) is the rightmost bar, on page 1.
    expect(view.bars[29]).toMatchObject({ id: runs[0].id, href: `/history#run-${runs[0].id}` });
    expect(view.bars[0]).toMatchObject({ id: runs[29].id, href: `/history?page=2#run-${runs[29].id}` });
    // The longest of the 30 is full height.
    expect(Math.max(...view.bars.map((b) => b.level))).toBe(20);
    expect(view.bars[29].level).toBeLessThan(view.bars[0].level);
  });

  it.each([
    ['all good', ['succeeded', 'succeeded', 'succeeded'], '100%'],
    ['one of four failed', ['succeeded', 'failed', 'succeeded', 'succeeded'], '75%'],
    ['interrupted counts against it', ['interrupted', 'succeeded', 'succeeded'], '66.7%'],
    ['a running one is not counted yet', ['running', 'succeeded', 'failed'], '50%'],
  ] as const)('success rate: %s', (_name, statuses, rate) => {
    const view = strip(statuses.map((status, i) => run(i + 0.5, status, 60)))!;
    expect(view.successRateText).toBe(rate);
  });

  it('counts only the last 30 days for the rates, and takes medians of duration and requests', () => {
    const view = strip([
      run(1, 'succeeded', 60, 4),
      run(2, 'succeeded', 120, 6),
      run(3, 'failed', 30, 3),
      run(40, 'failed', 600, 90),
    ])!;
    expect(view.successRateText).toBe('66.7%');
    expect(view.medianDurationText).toBe('1 min');
    expect(view.medianRequestsText).toBe('4');
    expect(view.caption).toContain('In the last 30 days 2 of 3 finished cycles succeeded.');
  });

  it('labels each bar in words, and draws a running cycle full height', () => {
    const view = strip([run(0.01, 'running', 0, 2), run(1, 'failed', 75, 1)])!;
    expect(view.bars.map((b) => [b.outcome, b.level])).toEqual([
      ['failed', 20],
      ['running', 20],
    ]);
    expect(view.bars[0].label).toMatch(/^Cycle #\d+, 21 Nov 2026, 13:00 CET: failed, 1 min 15 s, 1 request$/);
    expect(view.bars[1].label).toMatch(/: running now, 2 requests$/);
  });

  it('says so when no cycle finished in 30 days', () => {
    const view = strip([run(45, 'succeeded', 60)])!;
    expect(view.successRateText).toBe('—');
    expect(view.medianDurationText).toBe('—');
    expect(view.caption).toBe('The last cycle; none finished in the last 30 days.');
  });
});
