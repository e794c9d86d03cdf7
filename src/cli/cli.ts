// The `snapshot-panel` command line: finds the command, validates its flags and the configuration, opens
// the same database as the server, runs the command and turns every failure into a message and an exit
// status (0 ok, 1 failed, 2 usage or configuration).
import { INestApplicationContext } from '@nestjs/common';
import { ConfigError, loadConfig } from '../config/app-config';
import { LineLogger, redactSecrets } from '../logging/line.logger';
import { createCliContext, prepareRuntime } from '../runtime';
import { CliUsageError, parseArgs } from './cli-args';
import { CliCommand, EXIT_FAILED, EXIT_USAGE } from './cli-command';
import { CliIo, print, terminalSafeStream } from './cli-io';
import { cliCommands } from './commands';

function usage(commands: CliCommand[]): string {
  const lines = commands.map((c) => {
    const flags = Object.keys(c.flags ?? {})
      .map((f) => `[--${f}${c.flags![f].type === 'boolean' ? '' : ' …'}]`)
      .join(' ');
    const pos = (c.positionals ?? []).join(' ');
    return `  snapshot-panel ${[c.name.join(' '), pos, flags].filter(Boolean).join(' ')}\n      ${c.summary}`;
  });
  return `Usage:\n${lines.join('\n')}\n\nConfiguration comes from the environment (see config/snapshot-panel.env.example).`;
}

function findCommand(argv: string[], commands: CliCommand[]): { command: CliCommand; rest: string[] } | null {
  let best: { command: CliCommand; rest: string[] } | null = null;
  for (const command of commands) {
    const n = command.name.length;
    if (
      argv.length >= n &&
      command.name.every((w, i) => argv[i] === w) &&
      (!best || n > best.command.name.length)
    ) {
      best = { command, rest: argv.slice(n) };
    }
  }
  return best;
}

export async function runCli(
  argv: string[],
  rawIo: CliIo,
  commands: CliCommand[] = cliCommands,
): Promise<number> {
  // The output edge: whatever a command writes, control characters never reach the terminal.
  const io: CliIo = {
    ...rawIo,
    stdout: terminalSafeStream(rawIo.stdout),
    stderr: terminalSafeStream(rawIo.stderr),
  };
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === 'help' || argv[0] === '-h') {
    print(argv.length === 0 ? io.stderr : io.stdout, usage(commands));
    return argv.length === 0 ? EXIT_USAGE : 0;
  }
  const found = findCommand(argv, commands);
  if (!found) {
    print(io.stderr, `Unknown command "${argv.join(' ')}".\n\n${usage(commands)}`);
    return EXIT_USAGE;
  }
  const { command, rest } = found;
  let context: INestApplicationContext | null = null;
  try {
    if (rest.includes('--help')) {
      print(io.stdout, usage([command]));
      return 0;
    }
    const args = parseArgs(rest, command.flags ?? {}, command.positionals?.length ?? 0);
    const missing = (command.positionals ?? []).slice(args.positionals.length);
    if (missing.length > 0) throw new CliUsageError(`Missing ${missing.join(' ')}.\n\n${usage([command])}`);
    const config = loadConfig(io.env);
    const logger = new LineLogger('warn', (line) => print(io.stderr, line));
    return await command.run(args, {
      io,
      config,
      context: async () => {
        if (!context) context = await createCliContext(await prepareRuntime(config, { role: 'cli' }), logger);
        return context;
      },
    });
  } catch (err) {
    if (err instanceof CliUsageError) {
      print(io.stderr, `snapshot-panel ${command.name.join(' ')}: ${err.message}`);
      return EXIT_USAGE;
    }
    if (err instanceof ConfigError) {
      print(io.stderr, err.message);
      return EXIT_USAGE;
    }
    print(
      io.stderr,
      redactSecrets(
        `snapshot-panel ${command.name.join(' ')}: ${err instanceof Error ? err.message : String(err)}`,
      ),
    );
    return EXIT_FAILED;
  } finally {
    if (context) await (context as INestApplicationContext).close();
  }
}
