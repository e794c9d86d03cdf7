// `snapshot-panel token set|check|clear`: the API token from the command line, through the same
// SettingsService as the settings page (same checks, same audit trail, same messages).
import { SettingsService } from '../../hetzner-snapshots/settings/settings.service';
import { maskToken } from '../../hetzner-snapshots/settings/token-check.wording';
import { CliCommand, EXIT_FAILED, EXIT_OK, EXIT_USAGE } from '../cli-command';
import { print, readSecret } from '../cli-io';

export const tokenSetCommand: CliCommand = {
  name: ['token', 'set'],
  summary:
    'Check a Hetzner Cloud API token (read from standard input) against this server and store it encrypted.',
  async run(_args, env) {
    const token = await readSecret(env.io, 'Hetzner Cloud API token (Read & Write): ');
    const settings = (await env.context()).get(SettingsService);
    const result = await settings.saveToken(token, 'cli');
    if (!result.ok) {
      print(env.io.stderr, result.message);
      return result.kind === 'invalid' ? EXIT_USAGE : EXIT_FAILED;
    }
    print(env.io.stdout, `${result.message}\nStored encrypted as ${maskToken(result.last4)}.`);
    return EXIT_OK;
  },
};

export const tokenCheckCommand: CliCommand = {
  name: ['token', 'check'],
  summary: 'Check the token in effect against this server; exit status 0 only when it may read and write.',
  async run(_args, env) {
    const settings = (await env.context()).get(SettingsService);
    const status = await settings.tokenStatus();
    const report = await settings.recheckToken();
    const where =
      status.source === 'environment'
        ? ' (from HCLOUD_TOKEN)'
        : status.source === 'settings'
          ? ' (stored)'
          : '';
    if (status.last4) print(env.io.stdout, `Token ${maskToken(status.last4)}${where}`);
    print(report.ok ? env.io.stdout : env.io.stderr, report.message);
    return report.ok ? EXIT_OK : EXIT_FAILED;
  },
};

export const tokenClearCommand: CliCommand = {
  name: ['token', 'clear'],
  summary: 'Remove the stored token and pause automatic snapshots; existing snapshots are not touched.',
  async run(_args, env) {
    const settings = (await env.context()).get(SettingsService);
    const result = await settings.clearToken('cli');
    if (!result.ok) {
      print(env.io.stderr, result.message);
      return EXIT_FAILED;
    }
    if (!result.removed) {
      print(env.io.stdout, 'No token was stored; nothing changed.');
      return EXIT_OK;
    }
    const paused = result.paused
      ? 'Automatic snapshots are paused.'
      : 'Automatic snapshots were already off.';
    print(env.io.stdout, `Token removed. ${paused} No snapshot was deleted.`);
    return EXIT_OK;
  },
};

/** Registered in commands/index.ts. */
export const tokenCommands: CliCommand[] = [tokenSetCommand, tokenCheckCommand, tokenClearCommand];
