import { AuthError, AuthService } from '../../host/auth/auth.service';
import { CliCommand, EXIT_FAILED } from '../cli-command';
import { CliUsageError } from '../cli-args';
import { print, readSecret } from '../cli-io';

const usernameFlag = { username: { type: 'string' as const, description: 'the admin username' } };

function requireUsername(flags: Record<string, string | boolean>): string {
  const username = flags.username;
  if (typeof username !== 'string' || username.trim() === '')
    throw new CliUsageError('--username NAME is required.');
  return username;
}

export const adminCreateCommand: CliCommand = {
  name: ['admin', 'create'],
  summary: 'Create an admin; the password is read from standard input.',
  flags: usernameFlag,
  async run(args, env) {
    const username = requireUsername(args.flags);
    const password = await readSecret(env.io, 'Password: ');
    const auth = (await env.context()).get(AuthService);
    try {
      await auth.createAdmin(username, password);
    } catch (err) {
      if (err instanceof AuthError) {
        print(env.io.stderr, err.message);
        return EXIT_FAILED;
      }
      throw err;
    }
    print(env.io.stdout, `Admin "${username.trim()}" created. Sign in at the panel's /login page.`);
    return 0;
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
    try {
      await auth.resetPassword(username, password);
    } catch (err) {
      if (err instanceof AuthError) {
        print(env.io.stderr, err.message);
        return EXIT_FAILED;
      }
      throw err;
    }
    print(env.io.stdout, `Password of "${username.trim()}" changed; every session of that admin has ended.`);
    return 0;
  },
};
