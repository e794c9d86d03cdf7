import { describeHookFailure, SnapshotHookRunner } from './snapshot-hook.runner';

describe('SnapshotHookRunner', () => {
  const runner = new SnapshotHookRunner();

  it('runs the command through /bin/sh and keeps its output, stdout and stderr', async () => {
    const outcome = await runner.run('echo "flushed $SNAPSHOT_PANEL_HOOK"; echo warn >&2', {
      timeoutMs: 10_000,
      env: { SNAPSHOT_PANEL_HOOK: 'pre' },
    });
    expect(outcome).toMatchObject({ ok: true, exitCode: 0, timedOut: false, signal: null });
    expect(outcome.output).toContain('flushed pre');
    expect(outcome.output).toContain('warn');
  });

  it('reports a non-zero exit status as a failure', async () => {
    const outcome = await runner.run('echo cannot lock tables; exit 3', { timeoutMs: 10_000 });
    expect(outcome).toMatchObject({ ok: false, exitCode: 3, timedOut: false });
    expect(describeHookFailure('pre', outcome, 10_000)).toBe(
      'The pre-snapshot command (PRE_SNAPSHOT_COMMAND) exited with status 3: cannot lock tables.',
    );
  });

  it('stops a command that runs past its timeout, with everything it started', async () => {
    const outcome = await runner.run('echo started; sleep 30 & wait', { timeoutMs: 200 });
    expect(outcome.ok).toBe(false);
    expect(outcome.timedOut).toBe(true);
    expect(outcome.output).toBe('started');
    expect(describeHookFailure('post', outcome, 60_000)).toContain('did not finish within 60 s');
  });

  it('never hands the API token or the master key to the hook', async () => {
    const outcome = await runner.run('echo "token=${HCLOUD_TOKEN:-none} key=${SECRET_KEY:-none}"', {
      timeoutMs: 10_000,
    });
    expect(outcome.output).toBe('token=none key=none');
  });

  it('keeps only the end of long output', async () => {
    const outcome = await runner.run(
      'i=0; while [ $i -lt 500 ]; do echo "line $i of the output"; i=$((i+1)); done',
      { timeoutMs: 10_000 },
    );
    expect(outcome.output.length).toBeLessThanOrEqual(2_000);
    expect(outcome.output.startsWith('…')).toBe(true);
    expect(outcome.output.endsWith('line 499 of the output')).toBe(true);
  });
});
