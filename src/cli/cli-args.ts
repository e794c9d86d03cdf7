// Parses `snapshot-panel <command> [subcommand] [--flag value]...` against a command's declared flags, so a
// typo or a missing value is a clear error naming the flag, never a silently ignored argument.

export interface FlagSpec {
  /** 'boolean' flags take no value (`--json`); others need one. */
  type: 'string' | 'boolean';
  description: string;
}

export class CliUsageError extends Error {}

export interface ParsedArgs {
  flags: Record<string, string | boolean>;
  positionals: string[];
}

export function parseArgs(
  argv: string[],
  spec: Record<string, FlagSpec>,
  maxPositionals: number,
): ParsedArgs {
  const flags: Record<string, string | boolean> = {};
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('--') || arg === '--') {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq === -1 ? undefined : eq);
    const def = spec[name];
    if (!def) {
      const known = Object.keys(spec)
        .map((f) => `--${f}`)
        .join(', ');
      throw new CliUsageError(
        `Unknown option --${name}.${known ? ` Options: ${known}.` : ' This command takes no options.'}`,
      );
    }
    if (name in flags) throw new CliUsageError(`--${name} is given twice.`);
    if (def.type === 'boolean') {
      if (eq !== -1) {
        const v = arg.slice(eq + 1).toLowerCase();
        if (!['true', 'false'].includes(v))
          throw new CliUsageError(`--${name} takes no value (or =true/=false).`);
        flags[name] = v === 'true';
      } else flags[name] = true;
      continue;
    }
    const value = eq !== -1 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined || (eq === -1 && value.startsWith('--')))
      throw new CliUsageError(`--${name} needs a value.`);
    flags[name] = value;
  }
  // The extra argument is not echoed: it may be a secret typed in the wrong place (`token set <token>`).
  if (positionals.length > maxPositionals) {
    throw new CliUsageError(
      maxPositionals === 0
        ? `This command takes no arguments (got ${positionals.length}). Secrets such as the token are read from standard input.`
        : `Too many arguments: this command takes ${maxPositionals}.`,
    );
  }
  return { flags, positionals };
}

/** The ID argument of `snapshot delete|protect|unprotect`, `verify` and `restore`: the pages' ImageIdPipe rule. */
export function imageIdArg(raw: string | undefined): number {
  if (!raw || !/^[1-9]\d{0,14}$/.test(raw))
    throw new CliUsageError(`ID must be a snapshot id (a positive whole number), not "${raw ?? ''}".`);
  return Number(raw);
}
