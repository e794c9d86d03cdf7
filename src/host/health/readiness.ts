// Whether the panel is doing its job right now, decided from facts gathered by HealthService. Pure, so each
// reason a monitor may see is a table test. Nothing here may carry a secret or a free-text error message:
// /readyz answers anyone who can reach the port, so it names error codes, never Hetzner's messages.
import type { HetznerSnapshotsReadinessFacts } from '../../hetzner-snapshots';

/** The plugin's facts, as its public entry gives them: the host judges them and never reads the plugin's tables. */
export type ReadinessFacts = HetznerSnapshotsReadinessFacts;

type CheckStatus = 'ok' | 'error';

export interface Readiness {
  status: 'ready' | 'not_ready';
  reasons: string[];
  checks: {
    scheduler: { status: CheckStatus; running: boolean; activeJobs: number };
    settings: { status: CheckStatus; tokenConfigured: boolean; scheduleEnabled: boolean };
    lastCycle: {
      status: CheckStatus;
      outcome: string | null;
      startedAt: string | null;
      finishedAt: string | null;
      errorCode: string | null;
    };
  };
}

export function judgeReadiness(facts: ReadinessFacts): Readiness {
  const reasons: string[] = [];
  const settingsOk = facts.tokenConfigured && facts.scheduleEnabled;
  const schedulerRunning = facts.schedulerRole && facts.activeCronJobs > 0;
  // With a token and the schedule on, a job must be started; otherwise the schedule silently does nothing.
  const schedulerProblem = !facts.schedulerRole || (settingsOk && !schedulerRunning);
  if (!facts.schedulerRole) reasons.push('this process does not run the scheduler');
  if (!facts.tokenConfigured) reasons.push('no Hetzner Cloud API token is set');
  if (!facts.scheduleEnabled) reasons.push('automatic snapshots are turned off in Settings');
  if (facts.schedulerRole && schedulerProblem)
    reasons.push('the snapshot schedule is not running (no started cron job)');
  const cycle = facts.lastCycle;
  const cycleFailed = cycle?.status === 'failed';
  if (cycle && cycleFailed)
    reasons.push(
      `the last snapshot cycle (#${cycle.id}) failed${cycle.errorCode ? ` (${cycle.errorCode})` : ''}`,
    );

  return {
    status: reasons.length === 0 ? 'ready' : 'not_ready',
    reasons,
    checks: {
      scheduler: {
        status: schedulerProblem ? 'error' : 'ok',
        running: schedulerRunning,
        activeJobs: facts.activeCronJobs,
      },
      settings: {
        status: settingsOk ? 'ok' : 'error',
        tokenConfigured: facts.tokenConfigured,
        scheduleEnabled: facts.scheduleEnabled,
      },
      lastCycle: {
        status: cycleFailed ? 'error' : 'ok',
        outcome: cycle?.status ?? null,
        startedAt: cycle?.startedAt.toISOString() ?? null,
        finishedAt: cycle?.finishedAt?.toISOString() ?? null,
        errorCode: cycle?.errorCode ?? null,
      },
    },
  };
}
