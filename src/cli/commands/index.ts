import { CliCommand } from '../cli-command';
import { adminCreateCommand, adminResetPasswordCommand } from './admin.command';
import { demoCommand } from './demo.command';
import { serveCommand } from './serve.command';

/** Every `snapshot-panel` command; feature commands are appended here. */
export const cliCommands: CliCommand[] = [serveCommand, demoCommand, adminCreateCommand, adminResetPasswordCommand];
