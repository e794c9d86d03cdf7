import { HcloudApiError } from '../hcloud';
import { CycleStepError } from './cycle.decisions';
import { cycleOutcome } from './cycle.outcome';

const snapshotRun = {
  trigger: 'schedule' as const,
  imageId: 7,
  actionId: 70,
  deleted: '[]',
  pruneNote: null,
};
const clean = { failure: null, postHookFailure: null };

describe('cycleOutcome', () => {
  it.each([
    ['a confirmed snapshot', snapshotRun, clean, false, 'succeeded', null, 'Snapshot 7 is available.'],
    [
      'a snapshot and two deletions',
      { ...snapshotRun, deleted: '[{"id":1},{"id":2}]' },
      clean,
      false,
      'succeeded',
      null,
      'Snapshot 7 is available; 2 old snapshots deleted.',
    ],
    [
      'a prune',
      { ...snapshotRun, trigger: 'prune' as const, imageId: null, pruneNote: 'Deleted nothing.' },
      clean,
      false,
      'succeeded',
      null,
      'Deleted nothing.',
    ],
    [
      'a failed post hook',
      snapshotRun,
      { failure: null, postHookFailure: 'The post-snapshot command exited with status 1.' },
      false,
      'failed',
      'post_hook_failed',
      'Snapshot 7 was taken, but the post-snapshot command exited with status 1.',
    ],
    [
      'a step of its own',
      snapshotRun,
      { failure: new CycleStepError('locked', 'The server stayed busy.'), postHookFailure: null },
      false,
      'failed',
      'locked',
      'The server stayed busy.',
    ],
    [
      'a resume that finds nothing to follow',
      snapshotRun,
      { failure: new CycleStepError('interrupted', 'Stopped.', 'interrupted'), postHookFailure: null },
      false,
      'interrupted',
      'interrupted',
      'Stopped.',
    ],
    [
      'a Hetzner error',
      snapshotRun,
      { failure: new HcloudApiError({ status: 403, code: 'forbidden', message: '' }), postHookFailure: null },
      false,
      'failed',
      'forbidden',
      'The API token is not allowed to do this (forbidden).',
    ],
    [
      'a shutdown before any request',
      { ...snapshotRun, imageId: null, actionId: null },
      { failure: new Error('aborted'), postHookFailure: null },
      true,
      'interrupted',
      'interrupted',
      'The panel was stopped during this cycle before a snapshot was requested; nothing was pruned.',
    ],
    [
      'a prune stopped at shutdown after one deletion',
      { ...snapshotRun, trigger: 'prune' as const, imageId: null, actionId: null, deleted: '[{"id":1}]' },
      { failure: new CycleStepError('prune_incomplete', 'Pruning stopped early.'), postHookFailure: null },
      true,
      'interrupted',
      'interrupted',
      'The panel was stopped during this prune after deleting 1 snapshot; the next cycle prunes again.',
    ],
  ])('%s', (_name, run, result, aborted, status, errorCode, message) => {
    expect(cycleOutcome({ run, result, aborted })).toMatchObject({
      kind: 'finished',
      status,
      errorCode,
      message,
    });
  });

  it('leaves a snapshot cycle cut off while its action runs for resume', () => {
    const end = cycleOutcome({
      run: snapshotRun,
      result: { failure: new Error('x'), postHookFailure: null },
      aborted: true,
    });
    expect(end).toEqual({
      kind: 'left-for-resume',
      message:
        'The panel stopped while snapshot 7 was being made; its action 70 is followed again on the next start.',
    });
  });

  it('says nothing was pruned when a failed snapshot cycle deleted nothing, and keeps a note it has', () => {
    const failure = new CycleStepError('image_not_available', 'Not available.');
    expect(
      cycleOutcome({ run: snapshotRun, result: { failure, postHookFailure: null }, aborted: false }),
    ).toMatchObject({
      pruneNote: 'Nothing was pruned: no new snapshot was confirmed in this cycle.',
    });
    const noted = { ...snapshotRun, pruneNote: 'Deleted nothing.' };
    expect(
      cycleOutcome({ run: noted, result: { failure, postHookFailure: null }, aborted: false }),
    ).toMatchObject({
      pruneNote: 'Deleted nothing.',
    });
  });
});
