// `snapshot-panel run | prune [--dry-run] [--json] | status [--json]`: the scheduler from the command line.
// Each calls the same plugin services as the running server, under the same database lease, so a command
// and a scheduled run never work at the same time.
import { HetznerConnectionService } from '../../hetzner-snapshots/connection/hetzner-connection.service';
import { LabelBackfillService } from '../../hetzner-snapshots/labels/label-backfill.service';
import { SERVER_LABEL } from '../../hetzner-snapshots/labels/snapshot-labels';
import { CycleRun } from '../../hetzner-snapshots/cycle/cycle-run.entity';
import { CycleRunStore, readDeleted, readHooks } from '../../hetzner-snapshots/cycle/cycle-run.store';
import { describeCycleFailure } from '../../hetzner-snapshots/cycle/cycle.decisions';
import { formatPanelTime } from '../../hetzner-snapshots/time/panel-time.format';
import { SchedulerStatusService } from '../../hetzner-snapshots/cycle/scheduler-status.service';
import { PrunePreview, SnapshotCycleService } from '../../hetzner-snapshots/cycle/snapshot-cycle.service';
import { CliCommand, EXIT_FAILED, EXIT_OK } from '../cli-command';
import { print } from '../cli-io';

const jsonFlag = { json: { type: 'boolean' as const, description: 'print JSON instead of text' } };

export const runCommand: CliCommand = {
  name: ['run'],
  summary:
    'Take one automatic snapshot now and prune past retention, like a scheduled run (exit status 1 when it fails).',
  async run(_args, env) {
    const ctx = await env.context();
    const cycles = ctx.get(SnapshotCycleService);
    print(env.io.stdout, 'Taking an automatic snapshot; a big disk can take many minutes.');
    const outcome = await cycles.runCycle({ trigger: 'cli' });
    const label = outcome.runId !== null ? `Cycle #${outcome.runId}` : 'The cycle';
    if (outcome.status === 'succeeded') {
      print(env.io.stdout, `${label} succeeded: ${outcome.message}`);
      if (outcome.run?.pruneNote) print(env.io.stdout, outcome.run.pruneNote);
      // Where only the command line runs cycles (no server), the one-time label backfill happens here.
      const backfill = await ctx.get(LabelBackfillService).runIfDue();
      if (backfill.status === 'completed' && backfill.labelledNow > 0)
        print(
          env.io.stdout,
          `Gave ${backfill.labelledNow} existing snapshot(s) of this server the ${SERVER_LABEL} label (once).`,
        );
      return EXIT_OK;
    }
    const what = outcome.status === 'busy' ? 'did not start' : outcome.status;
    print(env.io.stderr, `${label} ${what}: ${outcome.message}`);
    return EXIT_FAILED;
  },
};

export const pruneCommand: CliCommand = {
  name: ['prune'],
  summary:
    'Delete automatic snapshots past retention now; with --dry-run only show what would be deleted and why.',
  flags: {
    'dry-run': { type: 'boolean', description: 'change nothing, only show the plan' },
    ...jsonFlag,
  },
  async run(args, env) {
    const ctx = await env.context();
    const cycles = ctx.get(SnapshotCycleService);
    const json = args.flags.json === true;
    if (args.flags['dry-run'] === true) {
      let preview: PrunePreview;
      try {
        preview = await cycles.previewPrune();
      } catch (err) {
        print(env.io.stderr, describeCycleFailure(err).message);
        return EXIT_FAILED;
      }
      print(
        env.io.stdout,
        json
          ? JSON.stringify(previewJson(preview), null, 2)
          : previewText(preview, ctx.get(HetznerConnectionService).timeZone),
      );
      if (!preview.plan && !json) print(env.io.stderr, preview.note ?? 'Nothing can be decided now.');
      return preview.plan ? EXIT_OK : EXIT_FAILED;
    }
    const outcome = await cycles.prune();
    if (json) {
      print(
        env.io.stdout,
        JSON.stringify(
          {
            status: outcome.status,
            message: outcome.message,
            run: outcome.run ? runJson(outcome.run) : null,
          },
          null,
          2,
        ),
      );
    } else if (outcome.status === 'succeeded') {
      const deleted = outcome.run ? readDeleted(outcome.run) : [];
      const lines = deleted.map((d) => `  ${d.id}  ${d.description}: ${d.reason}`);
      print(env.io.stdout, [`Prune #${outcome.runId} succeeded: ${outcome.message}`, ...lines].join('\n'));
    }
    if (outcome.status !== 'succeeded') {
      print(
        env.io.stderr,
        `Prune${outcome.runId !== null ? ` #${outcome.runId}` : ''} ${outcome.status === 'busy' ? 'did not start' : outcome.status}: ${outcome.message}`,
      );
      return EXIT_FAILED;
    }
    return EXIT_OK;
  },
};

export const statusCommand: CliCommand = {
  name: ['status'],
  summary: 'Show the server, the schedule, the next run, the last success and the last runs.',
  flags: jsonFlag,
  async run(args, env) {
    const ctx = await env.context();
    const overview = await ctx.get(SchedulerStatusService).overview();
    const store = ctx.get(CycleRunStore);
    const recent = await store.recent(5);
    let server: { id: number | null; name: string | null; problem: string | null };
    try {
      const id = await ctx.get(HetznerConnectionService).serverId();
      server = { id, name: await store.cachedServerName(id), problem: null };
    } catch (err) {
      server = { id: null, name: null, problem: describeCycleFailure(err).message };
    }
    const tz = overview.timeZone;
    if (args.flags.json === true) {
      const json = {
        server,
        schedule: {
          enabled: overview.enabled,
          hasToken: overview.hasToken,
          frequency: overview.frequency,
          description: overview.frequencyText,
          cronExpression: overview.expression,
          timeZone: tz,
          pausedReason: overview.pausedReason,
          nextRuns: overview.nextRuns.map((d) => d.toISOString()),
        },
        overdue: overview.overdue,
        running: overview.running ? runJson(overview.running) : null,
        lastSuccess: overview.lastSuccess ? runJson(overview.lastSuccess) : null,
        lastRuns: recent.map(runJson),
      };
      print(env.io.stdout, JSON.stringify(json, null, 2));
      return EXIT_OK;
    }
    const lines = [
      `Server:              ${server.id !== null ? `${server.id}${server.name ? ` (${server.name})` : ''}` : `unknown: ${server.problem}`}`,
      `Automatic snapshots: ${overview.pausedReason ? `paused: ${overview.pausedReason}` : `on, ${overview.frequencyText}`}`,
      `Schedule:            ${overview.expression ? `cron "${overview.expression}" in ${tz}` : `"${overview.frequency}" cannot be read`}`,
      `Next run:            ${overview.nextRuns.length > 0 ? overview.nextRuns.map((d) => formatPanelTime(d, tz)).join(', then ') : 'none while paused'}`,
      `Last success:        ${overview.lastSuccess?.finishedAt ? `${formatPanelTime(overview.lastSuccess.finishedAt, tz)} (snapshot ${overview.lastSuccess.imageId})` : 'none yet'}`,
    ];
    if (overview.running)
      lines.push(`Running now:         cycle #${overview.running.id}, ${overview.running.phase}`);
    if (overview.overdue) lines.push('WARNING: no successful automatic snapshot for more than two periods.');
    lines.push('Last runs:');
    if (recent.length === 0) lines.push('  none yet: `snapshot-panel run` takes one now');
    for (const run of recent) {
      const detail =
        run.status === 'succeeded'
          ? `snapshot ${run.imageId ?? '-'}, ${readDeleted(run).length} deleted`
          : (run.errorMessage ?? run.phase);
      lines.push(
        `  #${run.id}  ${run.status.padEnd(11)} ${formatPanelTime(run.startedAt, tz)}  ${run.trigger.padEnd(8)}  ${detail} [${run.requestCount} requests]`,
      );
    }
    print(env.io.stdout, lines.join('\n'));
    return EXIT_OK;
  },
};

function runJson(run: CycleRun) {
  return {
    id: run.id,
    trigger: run.trigger,
    status: run.status,
    phase: run.phase,
    startedAt: run.startedAt.toISOString(),
    finishedAt: run.finishedAt?.toISOString() ?? null,
    serverId: run.serverId,
    imageId: run.imageId,
    actionId: run.actionId,
    deleted: readDeleted(run),
    pruneNote: run.pruneNote,
    errorCode: run.errorCode,
    errorMessage: run.errorMessage,
    requestCount: run.requestCount,
    hooks: readHooks(run),
  };
}

function previewJson(preview: PrunePreview) {
  const byId = new Map(preview.images.map((image) => [image.id, image]));
  return {
    serverId: preview.serverId,
    policy: preview.policy,
    listingComplete: preview.plan !== null,
    note: preview.note,
    summary: preview.plan?.summary ?? null,
    decisions: (preview.plan?.decisions ?? []).map((d) => ({
      id: d.id,
      description: byId.get(d.id)?.description ?? null,
      created: byId.get(d.id)?.created ?? null,
      action: d.action,
      reason: d.reason,
      detail: d.detail,
      keepUntil: d.keepUntil?.toISOString() ?? null,
    })),
    toDelete: preview.plan?.toDelete ?? [],
  };
}

function previewText(preview: PrunePreview, timeZone: string): string {
  if (!preview.plan)
    return `Server ${preview.serverId}: nothing would be deleted. ${preview.note ?? ''}`.trim();
  const byId = new Map(preview.images.map((image) => [image.id, image]));
  const reasons = new Map(preview.plan.decisions.map((d) => [d.id, d.detail]));
  const describe = (id: number) => {
    const image = byId.get(id);
    const created = image ? formatPanelTime(new Date(image.created), timeZone) : 'unknown';
    return `  ${id}  ${image?.description ?? ''} (created ${created}): ${reasons.get(id) ?? ''}`;
  };
  const head =
    preview.plan.toDelete.length === 0
      ? `Server ${preview.serverId}: retention would delete nothing now. Nothing was changed.`
      : `Server ${preview.serverId}: retention would delete ${preview.plan.toDelete.length} snapshot(s) now (dry run, nothing was changed):`;
  return [head, ...preview.plan.toDelete.map(describe), preview.plan.summary].join('\n');
}

/** Registered in commands/index.ts. */
export const cycleCommands: CliCommand[] = [runCommand, pruneCommand, statusCommand];
