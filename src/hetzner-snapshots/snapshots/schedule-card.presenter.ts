// The "Automatic snapshots" card of the snapshots page, from the scheduler's overview: on or paused (and
// why), the next three runs, the last success. Failures are the scheduler's red banner on every page.
import type { SchedulerOverview } from '../cycle/scheduler-status.service';
import { formatPanelTime } from '../time/panel-time.format';
import { formatRelative } from '../time/duration.format';

export interface ScheduleCardView {
  active: boolean;
  frequencyText: string | null;
  pausedReason: string | null;
  nextRuns: { iso: string; text: string; relative: string }[];
  lastSuccessText: string | null;
  runningText: string | null;
}

export function presentScheduleCard(
  overview: Pick<
    SchedulerOverview,
    'pausedReason' | 'frequencyText' | 'nextRuns' | 'lastSuccess' | 'running'
  >,
  now: Date,
  timeZone: string,
): ScheduleCardView {
  const when = (d: Date) => `${formatPanelTime(d, timeZone)} (${formatRelative(d, now)})`;
  const lastSuccessAt = overview.lastSuccess?.finishedAt ?? null;
  return {
    active: overview.pausedReason === null,
    frequencyText: overview.frequencyText,
    pausedReason: overview.pausedReason,
    nextRuns: overview.nextRuns.map((d) => ({
      iso: d.toISOString(),
      text: formatPanelTime(d, timeZone),
      relative: formatRelative(d, now),
    })),
    lastSuccessText: lastSuccessAt ? when(lastSuccessAt) : null,
    runningText: overview.running
      ? `An automatic snapshot is running now (started ${when(overview.running.startedAt)}).`
      : null,
  };
}
