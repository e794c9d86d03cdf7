// `snapshot-panel restore ID [--dry-run] [--confirm NAME] [--skip-safety-snapshot]`: the restore page on the
// command line, through the same RestoreService: the checks first (a failed one refuses and changes nothing),
// then, only with the server's name typed out in --confirm, the safety snapshot and the rebuild, followed to the end.
import { RestoreError, RestoreService } from '../../hetzner-snapshots/restore/restore.service';
import { imageIdArg } from '../cli-args';
import { CliCommand, EXIT_FAILED, EXIT_OK, EXIT_USAGE } from '../cli-command';
import { print } from '../cli-io';

export const restoreCommand: CliCommand = {
  name: ['restore'],
  summary:
    'Rebuild this server from snapshot ID: checks first (--dry-run stops there), then a safety snapshot and the rebuild (needs --confirm SERVER_NAME).',
  positionals: ['ID'],
  flags: {
    'dry-run': { type: 'boolean', description: 'only run and print the checks; change nothing' },
    confirm: { type: 'string', description: "the server's name, typed out, to confirm the rebuild" },
    'skip-safety-snapshot': {
      type: 'boolean',
      description: 'do not take a safety snapshot first (not recommended)',
    },
  },
  run: async (args, env) => {
    const imageId = imageIdArg(args.positionals[0]);
    const restore = (await env.context()).get(RestoreService);
    const safetySnapshot = !args.flags['skip-safety-snapshot'];
    try {
      const target = await restore.target(imageId);
      print(
        env.io.stdout,
        `Restore ${target.server.name} (id ${target.server.id}) from snapshot ${imageId}:`,
      );
      for (const check of target.checks)
        print(env.io.stdout, `  ${check.ok ? 'OK  ' : 'FAIL'} ${check.message}`);
      print(
        env.io.stdout,
        `  INFO A rebuild of this size likely takes about ${target.estimateMinutes} minutes.`,
      );
      const refused =
        target.blocker?.message ??
        (safetySnapshot
          ? target.checks.find((c) => c.code === 'safety_snapshot' && !c.ok)?.message
          : undefined);
      if (refused) {
        print(env.io.stderr, `Refused, nothing changed: ${refused}`);
        return EXIT_FAILED;
      }
      if (args.flags['dry-run']) {
        print(env.io.stdout, 'Dry run: every check passed; nothing was changed.');
        return EXIT_OK;
      }
      if (typeof args.flags.confirm !== 'string') {
        print(env.io.stderr, `To rebuild, confirm with --confirm ${target.server.name}.`);
        return EXIT_USAGE;
      }
      await restore.start({ target, confirmServerName: args.flags.confirm, safetySnapshot, actor: 'cli' });
      await restore.whenIdle();
      const job = restore.current()!;
      if (job.phase === 'failed') {
        print(env.io.stderr, job.error ?? 'The restore failed.');
        return EXIT_FAILED;
      }
      print(
        env.io.stdout,
        `Rebuild ${job.phase === 'finished' ? 'finished' : 'started'}: action ${job.rebuildActionId}.`,
      );
      const password = restore.takeRootPassword();
      if (password) print(env.io.stdout, `New root password (shown once, not stored): ${password}`);
      return EXIT_OK;
    } catch (err) {
      if (!(err instanceof RestoreError)) throw err;
      print(env.io.stderr, err.message);
      return err.code === 'wrong_name' ? EXIT_USAGE : EXIT_FAILED;
    }
  },
};
