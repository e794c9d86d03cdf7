import { DoctorCheck } from '../../hetzner-snapshots/doctor/doctor.checks';
import { DoctorService, LocalFileSpec } from '../../hetzner-snapshots/doctor/doctor.service';
import { NotificationChannelsService } from '../../hetzner-snapshots/notifications/notification-channels.service';
import { judgeNotificationChannels } from '../../hetzner-snapshots/notifications/notification-doctor.check';
import { formatPanelTime } from '../../hetzner-snapshots/time/panel-time.format';
import { SECRET_KEYS, SecretKeys } from '../../secrets/secret-keys';
import { AppConfig } from '../../config/app-config';
import { CLOCK, Clock } from '../../clock/clock';
import { AuthService } from '../../host/auth/auth.service';
import { judgeSignInLocks } from '../../host/auth/sign-in-locks.check';
import { CliCommand, EXIT_FAILED, EXIT_OK } from '../cli-command';
import { print } from '../cli-io';

/** The host's own files, which the plugin's doctor cannot know: DATA_DIR, the key file, the database. */
export function hostFiles(config: AppConfig, keys: SecretKeys): LocalFileSpec[] {
  return [
    {
      name: 'data-dir',
      label: 'DATA_DIR',
      path: config.dataDir,
      kind: 'directory',
      expectedMode: 0o700,
      secret: false,
    },
    keys.keyFile
      ? {
          name: 'key-file',
          label: 'the key file',
          path: keys.keyFile,
          kind: 'file',
          expectedMode: 0o600,
          secret: true,
        }
      : {
          name: 'key-file',
          label: 'key file',
          path: '',
          kind: 'file',
          expectedMode: 0o600,
          secret: true,
          absentBecause: 'the master key comes from SECRET_KEY',
        },
    {
      name: 'database',
      label: 'the database',
      path: config.databasePath,
      kind: 'file',
      expectedMode: 0o600,
      secret: false,
    },
  ];
}

/** One line per check: level, name, what was found and, when something is wrong, what to do. */
export function formatCheck(check: DoctorCheck): string {
  return `${check.level.padEnd(4)}  ${check.name.padEnd(13)}  ${check.message}${check.hint ? ` → ${check.hint}` : ''}`;
}

export const doctorCommand: CliCommand = {
  name: ['doctor'],
  summary:
    'Check the server id, token, clock, file permissions, schedule, newest snapshot, API budget, cost and notification channels; exit status 1 when a check fails.',
  flags: { json: { type: 'boolean', description: 'print the checks as JSON' } },
  async run(args, env) {
    const ctx = await env.context();
    const checks = await ctx
      .get(DoctorService)
      .run({ localFiles: hostFiles(env.config, ctx.get<symbol, SecretKeys>(SECRET_KEYS)) });
    // The notification channels: each one's last delivery, and any that failed its last one.
    const timeZone = env.config.timeZone;
    checks.push(
      ...judgeNotificationChannels(await ctx.get(NotificationChannelsService).doctorFacts(), (d) =>
        formatPanelTime(d, timeZone),
      ),
    );
    // The host's own check: the plugin's doctor knows nothing of admins.
    checks.push(judgeSignInLocks(ctx.get(AuthService).activeLocks(), ctx.get<symbol, Clock>(CLOCK).now()));
    const failed = checks.some((c) => c.level === 'FAIL');
    if (args.flags.json) {
      print(env.io.stdout, JSON.stringify({ ok: !failed, checks }, null, 2));
    } else {
      for (const check of checks) print(env.io.stdout, formatCheck(check));
      const count = (level: DoctorCheck['level']) => checks.filter((c) => c.level === level).length;
      print(env.io.stdout, `\n${count('OK')} OK, ${count('WARN')} WARN, ${count('FAIL')} FAIL`);
    }
    return failed ? EXIT_FAILED : EXIT_OK;
  },
};
