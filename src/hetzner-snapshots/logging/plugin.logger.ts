// The plugin's log lines are masked by the plugin itself (the API token and every other registered secret)
// before they reach whatever logger the host installed: a host's ConsoleLogger does not redact anything.
import { Logger } from '@nestjs/common';
import { redactSecrets } from '../../logging/line.logger';

const mask = (value: unknown): unknown => {
  if (typeof value === 'string') return redactSecrets(value);
  if (value instanceof Error) return redactSecrets(`${value.name}: ${value.message}`);
  return value;
};

/** Nest's Logger with every message (and every string parameter, such as a stack) passed through redaction. */
export class PluginLogger extends Logger {
  override log(message: unknown, ...optionalParams: unknown[]): void {
    super.log(mask(message), ...optionalParams.map(mask));
  }
  override error(message: unknown, ...optionalParams: unknown[]): void {
    super.error(mask(message), ...optionalParams.map(mask));
  }
  override warn(message: unknown, ...optionalParams: unknown[]): void {
    super.warn(mask(message), ...optionalParams.map(mask));
  }
  override debug(message: unknown, ...optionalParams: unknown[]): void {
    super.debug(mask(message), ...optionalParams.map(mask));
  }
  override verbose(message: unknown, ...optionalParams: unknown[]): void {
    super.verbose(mask(message), ...optionalParams.map(mask));
  }
}
