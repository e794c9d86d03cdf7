import { judgeReadiness, ReadinessFacts } from './readiness';

const STARTED = new Date('2026-05-11T10:00:00Z');
const ready: ReadinessFacts = {
  schedulerRole: true,
  activeCronJobs: 1,
  tokenConfigured: true,
  scheduleEnabled: true,
  lastCycle: {
    id: 7,
    status: 'succeeded',
    startedAt: STARTED,
    finishedAt: new Date(STARTED.getTime() + 60_000),
    errorCode: null,
  },
};

describe('judgeReadiness', () => {
  test.each<[string, ReadinessFacts, string[]]>([
    ['all well', ready, []],
    ['no cycle yet (fresh install)', { ...ready, lastCycle: null }, []],
    [
      'a cycle is running',
      { ...ready, lastCycle: { ...ready.lastCycle!, status: 'running', finishedAt: null } },
      [],
    ],
    [
      'the last cycle failed',
      { ...ready, lastCycle: { ...ready.lastCycle!, status: 'failed', errorCode: 'locked' } },
      ['the last snapshot cycle (#7) failed (locked)'],
    ],
    [
      'no token',
      { ...ready, tokenConfigured: false, activeCronJobs: 0 },
      ['no Hetzner Cloud API token is set'],
    ],
    [
      'schedule off',
      { ...ready, scheduleEnabled: false, activeCronJobs: 0 },
      ['automatic snapshots are turned off in Settings'],
    ],
    [
      'schedule on but no job started',
      { ...ready, activeCronJobs: 0 },
      ['the snapshot schedule is not running (no started cron job)'],
    ],
    [
      'a process without the scheduler',
      { ...ready, schedulerRole: false },
      ['this process does not run the scheduler'],
    ],
  ])('%s', (_case, facts, reasons) => {
    const got = judgeReadiness(facts);
    expect(got.reasons).toEqual(reasons);
    expect(got.status).toBe(reasons.length === 0 ? 'ready' : 'not_ready');
  });

  test('the checks name what was seen, with times as ISO strings and no messages', () => {
    const got = judgeReadiness({
      ...ready,
      lastCycle: { ...ready.lastCycle!, status: 'failed', errorCode: 'rate_limit_exceeded' },
    });
    expect(got.checks).toEqual({
      scheduler: { status: 'ok', running: true, activeJobs: 1 },
      settings: { status: 'ok', tokenConfigured: true, scheduleEnabled: true },
      lastCycle: {
        status: 'error',
        outcome: 'failed',
        startedAt: '2026-05-11T10:00:00.000Z',
        finishedAt: '2026-05-11T10:01:00.000Z',
        errorCode: 'rate_limit_exceeded',
      },
    });
  });
});
