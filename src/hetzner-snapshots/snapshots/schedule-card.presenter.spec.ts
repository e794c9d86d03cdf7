import type { CycleRun } from '../cycle/cycle-run.entity';
import { presentScheduleCard } from './schedule-card.presenter';

const NOW = new Date('2026-11-22T12:00:00Z');

describe('presentScheduleCard', () => {
  it('shows the next runs and the last success in the server time zone', () => {
    const view = presentScheduleCard(
      {
        pausedReason: null,
        frequencyText: 'every 6 hours',
        nextRuns: [new Date('2026-11-22T17:00:00Z'), new Date('2026-11-22T23:00:00Z')],
        lastSuccess: { finishedAt: new Date('2026-11-22T11:00:00Z') } as CycleRun,
        running: null,
      },
      NOW,
      'Europe/Berlin',
    );
    expect(view).toEqual({
      active: true,
      frequencyText: 'every 6 hours',
      pausedReason: null,
      nextRuns: [
        { iso: '2026-11-22T17:00:00.000Z', text: '22 Nov 2026, 18:00 CET', relative: 'in 5 hours' },
        { iso: '2026-11-22T23:00:00.000Z', text: '23 Nov 2026, 00:00 CET', relative: 'in 11 hours' },
      ],
      lastSuccessText: '22 Nov 2026, 12:00 CET (1 hour ago)',
      runningText: null,
    });
  });

  it('says why automatic snapshots are paused, and when one is running', () => {
    const view = presentScheduleCard(
      {
        pausedReason: 'Automatic snapshots are off. Turn them on in Settings.',
        frequencyText: 'every 6 hours',
        nextRuns: [],
        lastSuccess: null,
        running: { startedAt: new Date('2026-11-22T11:58:00Z') } as CycleRun,
      },
      NOW,
      'Europe/Berlin',
    );
    expect(view).toMatchObject({ active: false, lastSuccessText: null, nextRuns: [] });
    expect(view.runningText).toBe(
      'An automatic snapshot is running now (started 22 Nov 2026, 12:58 CET (2 minutes ago)).',
    );
  });
});
