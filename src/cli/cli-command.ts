import { INestApplicationContext } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { CliIo } from './cli-io';
import { FlagSpec, ParsedArgs } from './cli-args';

export interface CommandEnv {
  io: CliIo;
  config: AppConfig;
  /** The Nest application context on the migrated database, created on first use and closed after the command. */
  context(): Promise<INestApplicationContext>;
}

export interface CliCommand {
  /** Words after `snapshot-panel`, e.g. ['admin', 'create'] */
  name: string[];
  summary: string;
  flags?: Record<string, FlagSpec>;
  /** Names of positional arguments, e.g. ['ID']; all required. */
  positionals?: string[];
  /** Commands that run for a long time (serve, demo) manage their own start-up. */
  run(args: ParsedArgs, env: CommandEnv): Promise<number>;
}

/** Exit statuses: 0 success, 1 the operation failed, 2 the command was used wrongly or the config is invalid. */
export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;
