// Owns log output: one line per event with a level, a context and a message, as journald expects, and a
// last line of defence that masks every registered secret (the API token, keys) in anything printed.
import { LoggerService } from '@nestjs/common';

type Level = 'error' | 'warn' | 'info' | 'debug';
const ORDER: Record<Level, number> = { error: 0, warn: 1, info: 2, debug: 3 };

const secrets = new Set<string>();
const FRAMEWORK_CONTEXTS = new Set([
  'InstanceLoader',
  'RoutesResolver',
  'RouterExplorer',
  'NestFactory',
  'NestApplication',
]);

/** Registers a value that must never be printed; anything logged containing it is masked. */
export function registerSecret(value: string | null | undefined): void {
  if (value && value.length >= 8) secrets.add(value);
}

export function redactSecrets(text: string): string {
  let out = text;
  for (const s of secrets) if (out.includes(s)) out = out.split(s).join('[redacted]');
  return out;
}

export type LogSink = (line: string, level: Level) => void;

const defaultSink: LogSink = (line, level) =>
  (level === 'error' || level === 'warn' ? process.stderr : process.stdout).write(line + '\n');

export class LineLogger implements LoggerService {
  constructor(
    private readonly level: Level = 'info',
    private readonly sink: LogSink = defaultSink,
  ) {}

  log(message: unknown, context?: string): void {
    // Nest's own start-up chatter (every module and route) is debug detail, not an event.
    this.write(context && FRAMEWORK_CONTEXTS.has(context) ? 'debug' : 'info', message, context);
  }
  error(message: unknown, stackOrContext?: string, context?: string): void {
    this.write('error', message, context ?? stackOrContext);
  }
  warn(message: unknown, context?: string): void {
    this.write('warn', message, context);
  }
  debug(message: unknown, context?: string): void {
    this.write('debug', message, context);
  }
  verbose(message: unknown, context?: string): void {
    this.write('debug', message, context);
  }

  private write(level: Level, message: unknown, context?: string): void {
    if (ORDER[level] > ORDER[this.level]) return;
    const text =
      message instanceof Error
        ? `${message.name}: ${message.message}`
        : typeof message === 'string'
          ? message
          : JSON.stringify(message);
    // Newlines would split one event over several journal entries.
    const oneLine = redactSecrets(text).replace(/\s*\n\s*/g, ' | ');
    this.sink(`level=${level}${context ? ` context=${context}` : ''} ${oneLine}`, level);
  }
}
