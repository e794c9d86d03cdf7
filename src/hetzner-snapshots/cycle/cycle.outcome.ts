// How a cycle ended, decided without I/O: from what its steps left on the run and what went wrong, the status,
// the error code and sentence, the prune note and the one-line message people and the notifications get.
import { redactSecrets } from '../../logging/line.logger';
import { plural } from '../wording/plural';
import type { CycleRun, CycleRunStatus } from './cycle-run.entity';
import { readDeleted } from './cycle-run.store';
import { CycleStepError, describeCycleFailure } from './cycle.decisions';

/** How a cycle's work ended, before it is written down. */
export interface CycleResult {
  failure: unknown;
  /** The snapshot is fine, but the post hook failed: the run is failed all the same, loudly. */
  postHookFailure: string | null;
  serverName: string | null;
}

export type CycleEnd =
  | { kind: 'left-for-resume'; message: string }
  | {
      kind: 'finished';
      status: Exclude<CycleRunStatus, 'running'>;
      errorCode: string | null;
      errorMessage: string | null;
      pruneNote: string | null;
      message: string;
    };

export function cycleOutcome(input: {
  run: Pick<CycleRun, 'trigger' | 'imageId' | 'actionId' | 'deleted' | 'pruneNote'>;
  result: Pick<CycleResult, 'failure' | 'postHookFailure'>;
  aborted: boolean;
}): CycleEnd {
  const { run, result, aborted } = input;
  if (result.failure && aborted && run.actionId !== null && run.trigger !== 'prune') {
    return {
      kind: 'left-for-resume',
      message: `The panel stopped while snapshot ${run.imageId} was being made; its action ${run.actionId} is followed again on the next start.`,
    };
  }
  const deletedCount = readDeleted(run).length;
  let end: Omit<Extract<CycleEnd, { kind: 'finished' }>, 'message'>;
  if (result.failure) {
    const failure = aborted
      ? { code: 'interrupted', message: stoppedMessage(run.trigger, deletedCount) }
      : describeCycleFailure(result.failure);
    const status = aborted
      ? 'interrupted'
      : result.failure instanceof CycleStepError
        ? result.failure.outcome
        : 'failed';
    const nothingPruned = run.trigger !== 'prune' && deletedCount === 0 && !run.pruneNote;
    end = {
      kind: 'finished',
      status,
      errorCode: failure.code,
      errorMessage: redactSecrets(failure.message),
      pruneNote: nothingPruned
        ? 'Nothing was pruned: no new snapshot was confirmed in this cycle.'
        : run.pruneNote,
    };
  } else if (result.postHookFailure) {
    end = {
      kind: 'finished',
      status: 'failed',
      errorCode: 'post_hook_failed',
      errorMessage: redactSecrets(
        `Snapshot ${run.imageId} was taken, but ${lowerFirst(result.postHookFailure)}`,
      ),
      pruneNote: run.pruneNote,
    };
  } else {
    end = {
      kind: 'finished',
      status: 'succeeded',
      errorCode: null,
      errorMessage: null,
      pruneNote: run.pruneNote,
    };
  }
  const message =
    end.status !== 'succeeded'
      ? (end.errorMessage ?? 'The cycle failed.')
      : run.trigger === 'prune'
        ? (end.pruneNote ?? 'Pruned.')
        : `Snapshot ${run.imageId} is available${deletedCount > 0 ? `; ${plural(deletedCount, 'old snapshot')} deleted` : ''}.`;
  return { ...end, message };
}

/** A run cut off at shutdown with nothing to follow: a snapshot cycle before its request, or a prune between deletions. */
function stoppedMessage(trigger: CycleRun['trigger'], deletedCount: number): string {
  if (trigger !== 'prune')
    return 'The panel was stopped during this cycle before a snapshot was requested; nothing was pruned.';
  const deleted = deletedCount > 0 ? ` after deleting ${plural(deletedCount, 'snapshot')}` : '';
  return `The panel was stopped during this prune${deleted}; the next cycle prunes again.`;
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
