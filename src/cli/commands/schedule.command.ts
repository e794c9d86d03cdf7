// `snapshot-panel schedule show|set`: schedule and retention from the command line. The flags are laid over
// the saved settings and validated by the same DTO as the settings form, through SettingsService.
import { describeAuditEntry } from '../../hetzner-snapshots/audit/audit-change';
import {
  FIELD_TO_FLAG,
  formatTiers,
  mergeScheduleFlags,
  SCHEDULE_FLAG_NAMES,
  ScheduleFlag,
} from '../../hetzner-snapshots/settings/schedule-settings.form';
import { SettingsService } from '../../hetzner-snapshots/settings/settings.service';
import { ScheduleFormField } from '../../hetzner-snapshots/settings/update-schedule.dto';
import { formatFrequency } from '../../hetzner-snapshots/schedule/snapshot-schedule';
import { formatRunTime } from '../../hetzner-snapshots/time/panel-time.format';
import { CliUsageError, FlagSpec } from '../cli-args';
import { CliCommand, EXIT_FAILED, EXIT_OK, EXIT_USAGE } from '../cli-command';
import { print } from '../cli-io';

export const scheduleShowCommand: CliCommand = {
  name: ['schedule', 'show'],
  summary: 'Show automatic snapshots, the frequency with the next three runs, and retention.',
  flags: { json: { type: 'boolean', description: 'print JSON (the same fields `schedule set` takes)' } },
  async run(args, env) {
    const settings = (await env.context()).get(SettingsService);
    const saved = await settings.savedSchedule();
    if (!saved.ok) {
      print(env.io.stderr, saved.problem);
      return EXIT_FAILED;
    }
    const schedule = saved.schedule;
    const summary = await settings.summarize(schedule);
    if (args.flags.json) {
      const json = {
        enabled: schedule.enabled,
        frequency: formatFrequency(schedule.frequency),
        description: summary.description,
        cronExpression: summary.cronExpression,
        timeZone: summary.timeZone,
        nextRuns: summary.nextRuns.map((d) => d.toISOString()),
        retentionDays: schedule.retentionDays,
        keepMin: schedule.keepMin,
        tiers: schedule.tiers,
        retention: summary.retention,
      };
      print(env.io.stdout, JSON.stringify(json, null, 2));
      return EXIT_OK;
    }
    const runs = summary.nextRuns
      .map((d) => `  ${d.toISOString()}  (${formatRunTime(d, summary.timeZone)})`)
      .join('\n');
    print(
      env.io.stdout,
      [
        `Automatic snapshots: ${schedule.enabled ? 'on' : 'off (paused)'}`,
        `Frequency:           ${summary.description} (${schedule.frequency.kind === 'cron' ? `--cron "${schedule.frequency.expression}"` : `--frequency ${formatFrequency(schedule.frequency)}`})`,
        `Next runs, ${summary.timeZone}${schedule.enabled ? '' : ' (if turned on)'}:`,
        runs || '  none can be listed',
        `Retention:           delete after ${schedule.retentionDays} days, always keep the newest ${schedule.keepMin}; tiers ${formatTiers(schedule.tiers)}`,
        `                     ${summary.retention}`,
      ].join('\n'),
    );
    return EXIT_OK;
  },
};

/** `schedule set --webhook-url` of older scripts: said plainly, not "unknown option". */
const WEBHOOK_MOVED =
  'webhooks are notification channels now, with e-mail, Slack, Discord and ntfy: set them up in Settings → Notifications (snapshot-panel notify list shows them). An existing webhook was moved there on upgrade.';

const SET_FLAGS: Record<ScheduleFlag | 'webhook-url', FlagSpec> = {
  enabled: { type: 'string', description: 'true or false: automatic snapshots on or off' },
  frequency: {
    type: 'string',
    description: '1h 2h 3h 4h 6h 8h 12h, daily@HH:MM or weekly@DAY@HH:MM (e.g. weekly@mon@03:30)',
  },
  cron: { type: 'string', description: 'a custom 5-field cron expression, e.g. "0 */4 * * *"' },
  'retention-days': {
    type: 'string',
    description: 'delete automatic snapshots older than this many days (1 to 365)',
  },
  'keep-min': { type: 'string', description: 'always keep the newest K automatic snapshots (1 to 1000)' },
  tiers: { type: 'string', description: 'hourly=H,daily=D,weekly=W,monthly=M (left out = 0), or off' },
  'webhook-url': {
    type: 'string',
    description: 'moved: webhooks are notification channels now (Settings → Notifications)',
  },
};

export const scheduleSetCommand: CliCommand = {
  name: ['schedule', 'set'],
  summary:
    'Change schedule and retention; only the given options change, all are checked like the settings form.',
  flags: SET_FLAGS,
  async run(args, env) {
    if (args.flags['webhook-url'] !== undefined) {
      print(env.io.stderr, `--webhook-url: ${WEBHOOK_MOVED}`);
      print(env.io.stderr, 'Nothing was changed.');
      return EXIT_USAGE;
    }
    const flags: Partial<Record<ScheduleFlag, string>> = {};
    for (const name of SCHEDULE_FLAG_NAMES)
      if (typeof args.flags[name] === 'string') flags[name] = args.flags[name] as string;
    if (Object.keys(flags).length === 0)
      throw new CliUsageError(
        `Give at least one option: ${SCHEDULE_FLAG_NAMES.map((f) => `--${f}`).join(', ')}.`,
      );

    const settings = (await env.context()).get(SettingsService);
    const merged = mergeScheduleFlags(await settings.scheduleForm(), flags);
    if (!merged.ok) {
      for (const [flag, message] of Object.entries(merged.errors))
        print(env.io.stderr, `--${flag}: ${message}`);
      print(env.io.stderr, 'Nothing was changed.');
      return EXIT_USAGE;
    }
    const result = await settings.updateSchedule(merged.values, 'cli');
    if (!result.ok) {
      const byFlag = new Map<string, string>();
      for (const [field, message] of Object.entries(result.errors)) {
        const flag = FIELD_TO_FLAG[field as ScheduleFormField] ?? field;
        if (!byFlag.has(flag)) byFlag.set(flag, message);
      }
      for (const [flag, message] of byFlag) print(env.io.stderr, `--${flag}: ${message}`);
      if (result.reason === 'invalid') print(env.io.stderr, 'Nothing was changed.');
      return result.reason === 'no_token' ? EXIT_FAILED : EXIT_USAGE;
    }
    if (result.changes.length === 0) {
      print(env.io.stdout, 'Nothing changed: the options match the saved settings.');
      return EXIT_OK;
    }
    const lines = describeAuditEntry('schedule.updated', result.changes).changes.map(
      (c) => `  ${c.field}: ${c.from} → ${c.to}`,
    );
    const summary = await settings.summarize(await settings.schedule());
    print(
      env.io.stdout,
      `Saved:\n${lines.join('\n')}\nNext runs (${summary.timeZone}): ${summary.nextRuns.map((d) => formatRunTime(d, summary.timeZone)).join(', ')}`,
    );
    return EXIT_OK;
  },
};

/** Registered in commands/index.ts. */
export const scheduleCommands: CliCommand[] = [scheduleShowCommand, scheduleSetCommand];
