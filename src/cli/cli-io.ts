import { Readable, Writable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';

/** The streams a command talks to; tests pass their own. */
export interface CliIo {
  stdin: Readable & { isTTY?: boolean };
  stdout: Writable;
  stderr: Writable;
  env: NodeJS.ProcessEnv;
}

/**
 * Text from elsewhere (snapshot descriptions, Hetzner's error messages, a webhook's answer) must not drive the
 * admin's terminal: every control and format character (escape sequences, carriage returns, bidi overrides,
 * zero-width characters) becomes U+FFFD. The newlines and tabs the CLI writes itself stay.
 */
export function terminalSafe(text: string): string {
  return text.replace(/[^\n\t\P{C}]/gu, '\uFFFD');
}

/** All CLI output passes here (and runCli wraps the streams with the same rule, so no command can forget it). */
export function print(stream: Writable, text: string): void {
  const safe = terminalSafe(text);
  stream.write(safe.endsWith('\n') ? safe : safe + '\n');
}

/** A stream that writes through `target` with terminalSafe applied: what commands get as stdout and stderr. */
export function terminalSafeStream(target: Writable): Writable {
  const decoder = new StringDecoder('utf8');
  return new Writable({
    decodeStrings: false,
    write(chunk: string | Buffer, _encoding, callback) {
      target.write(terminalSafe(typeof chunk === 'string' ? chunk : decoder.write(chunk)));
      // Not waiting for the target: nothing is buffered here, so nothing is lost when the process exits.
      callback();
    },
  });
}

/** Reads a secret (password, token) from standard input: the first line, without echo when it is a terminal. */
export async function readSecret(io: CliIo, prompt: string): Promise<string> {
  if (io.stdin.isTTY) {
    io.stderr.write(prompt);
    const stdin = io.stdin as NodeJS.ReadStream;
    stdin.setRawMode?.(true);
    return new Promise((resolve) => {
      let value = '';
      const onData = (chunk: Buffer) => {
        for (const ch of chunk.toString('utf8')) {
          if (ch === '\r' || ch === '\n' || ch === '\u0004') {
            stdin.setRawMode?.(false);
            stdin.off('data', onData);
            stdin.pause();
            io.stderr.write('\n');
            return resolve(value);
          }
          if (ch === '\u0003') process.exit(130);
          if (ch === '\u007f') value = value.slice(0, -1);
          else value += ch;
        }
      };
      stdin.on('data', onData);
      stdin.resume();
    });
  }
  const chunks: Buffer[] = [];
  for await (const chunk of io.stdin)
    chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
  return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
}
