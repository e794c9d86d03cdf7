import { AuthError, AuthService } from '../../host/auth/auth.service';
import { TwoFactorService } from '../../host/auth/two-factor.service';
import { formatPanelTime } from '../../hetzner-snapshots/time/panel-time.format';
import { CliCommand, CommandEnv, EXIT_FAILED } from '../cli-command';
import { CliUsageError } from '../cli-args';
import { print, readSecret } from '../cli-io';

const usernameFlag = { username: { type: 'string' as const, description: 'the admin username' } };

function requireUsername(flags: Record<string, string | boolean>): string {
  const username = flags.username;
  if (typeof username !== 'string' || username.trim() === '')
    throw new CliUsageError('--username NAME is required.');
  return username;
}

/** Runs an admin operation; an AuthError is its sentence on stderr and exit status 1, with nothing changed. */
async function orFailed(env: CommandEnv, work: () => Promise<string>): Promise<number> {
  try {
    print(env.io.stdout, await work());
    return 0;
  } catch (err) {
    if (err instanceof AuthError) {
      print(env.io.stderr, err.message);
      return EXIT_FAILED;
    }
    throw err;
  }
}

export const adminCreateCommand: CliCommand = {
  name: ['admin', 'create'],
  summary: 'Create an admin; the password is read from standard input.',
  flags: usernameFlag,
  async run(args, env) {
    const username = requireUsername(args.flags);
    const password = await readSecret(env.io, 'Password: ');
    const auth = (await env.context()).get(AuthService);
    return orFailed(env, async () => {
      await auth.createAdmin(username, password);
      return `Admin "${username.trim()}" created. Sign in at the panel's /login page.`;
    });
  },
};

export const adminResetPasswordCommand: CliCommand = {
  name: ['admin', 'reset-password'],
  summary: "Set a new password for an admin (read from standard input) and end all of that admin's sessions.",
  flags: usernameFlag,
  async run(args, env) {
    const username = requireUsername(args.flags);
    const password = await readSecret(env.io, 'New password: ');
    const auth = (await env.context()).get(AuthService);
    return orFailed(env, async () => {
      const { locksCleared } = await auth.resetPassword(username, password);
      return `Password of "${username.trim()}" changed; every session of that admin has ended.${
        locksCleared > 0 ? ` Sign-in locks lifted (${locksCleared}).` : ''
      }`;
    });
  },
};

export const adminListCommand: CliCommand = {
  name: ['admin', 'list'],
  summary: 'List the admins with their last sign-in and whether two-factor sign-in is on.',
  flags: { json: { type: 'boolean', description: 'print the admins as JSON' } },
  async run(args, env) {
    const admins = await (await env.context()).get(AuthService).listAdmins();
    if (args.flags.json) {
      const rows = admins.map((a) => ({
        username: a.username,
        createdAt: a.createdAt.toISOString(),
        lastSignInAt: a.lastSignInAt?.toISOString() ?? null,
        twoFactor: a.twoFactor,
      }));
      print(env.io.stdout, JSON.stringify({ admins: rows }, null, 2));
      return 0;
    }
    if (admins.length === 0) {
      print(env.io.stdout, 'No admins yet. Create one: snapshot-panel admin create --username NAME');
      return 0;
    }
    const width = Math.max(8, ...admins.map((a) => a.username.length));
    print(env.io.stdout, `${'USERNAME'.padEnd(width)}  ${'LAST SIGN-IN'.padEnd(24)}  2FA`);
    for (const a of admins)
      print(
        env.io.stdout,
        `${a.username.padEnd(width)}  ${(a.lastSignInAt ? formatPanelTime(a.lastSignInAt, env.config.timeZone) : 'never').padEnd(24)}  ${a.twoFactor ? 'on' : 'off'}`,
      );
    return 0;
  },
};

export const adminRemoveCommand: CliCommand = {
  name: ['admin', 'remove'],
  summary: "Remove an admin and end that admin's sessions; the last admin cannot be removed.",
  flags: usernameFlag,
  async run(args, env) {
    const username = requireUsername(args.flags);
    const auth = (await env.context()).get(AuthService);
    return orFailed(env, async () => {
      await auth.removeAdmin(username, 'cli');
      return `Admin "${username.trim()}" removed; their sessions have ended.`;
    });
  },
};

export const adminResetTwoFactorCommand: CliCommand = {
  name: ['admin', 'reset-2fa'],
  summary: 'Turn two-factor sign-in off for an admin who lost the app and the recovery codes.',
  flags: usernameFlag,
  async run(args, env) {
    const username = requireUsername(args.flags);
    const ctx = await env.context();
    return orFailed(env, async () => {
      const admin = await ctx.get(AuthService).findAdmin(username);
      const wasOn = await ctx.get(TwoFactorService).disable(admin, 'cli', 'reset');
      return wasOn
        ? `Two-factor sign-in of "${admin.username}" is off: sign in with the password, then set it up again on the Account page.`
        : `Two-factor sign-in of "${admin.username}" was already off.`;
    });
  },
};

export const adminCommands: CliCommand[] = [
  adminCreateCommand,
  adminResetPasswordCommand,
  adminResetTwoFactorCommand,
  adminListCommand,
  adminRemoveCommand,
];
