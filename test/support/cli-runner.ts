// Runs a `snapshot-panel` command in this process against a harness's data folder, capturing its output.
import { Readable, Writable } from 'node:stream';
import { runCli } from '../../src/cli/cli';
import type { CliIo } from '../../src/cli/cli-io';
import type { PanelHarness } from './panel-harness';

export async function runPanelCli(
  panel: PanelHarness,
  argv: string[],
  stdin = '',
  env: Record<string, string> = {},
): Promise<{ status: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const sink = (into: string[]) =>
    new Writable({ write: (chunk, _enc, done) => (into.push(String(chunk)), done()) });
  const io: CliIo = {
    stdin: Readable.from(stdin ? [stdin] : []),
    stdout: sink(out),
    stderr: sink(err),
    env: {
      DATA_DIR: panel.dataDir,
      HCLOUD_ENDPOINT: 'http://127.0.0.1:9/v1',
      HCLOUD_METADATA_ENDPOINT: 'http://127.0.0.1:9/hetzner/v1/metadata',
      TZ: 'Europe/Berlin',
      LOG_LEVEL: 'warn',
      ...env,
    },
  };
  const status = await runCli(argv, io);
  return { status, out: out.join(''), err: err.join('') };
}
