import { CliCommand } from '../cli-command';
import { adminCommands } from './admin.command';
import { cycleCommands } from './cycle.command';
import { demoCommand } from './demo.command';
import { doctorCommand } from './doctor.command';
import { notifyCommands } from './notify.command';
import { scheduleCommands } from './schedule.command';
import { serveCommand } from './serve.command';
import { snapshotCommands } from './snapshot.command';
import { tokenCommands } from './token.command';
import { verifyCommand } from './verify.command';
import { restoreCommand } from './restore.command';

/** Every `snapshot-panel` command; feature commands are appended here. */
export const cliCommands: CliCommand[] = [
  serveCommand,
  demoCommand,
  ...adminCommands,
  doctorCommand,
  ...tokenCommands,
  ...scheduleCommands,
  ...snapshotCommands,
  ...cycleCommands,
  ...notifyCommands,
  verifyCommand,
  restoreCommand,
];
