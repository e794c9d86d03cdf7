// Runs the fake Hetzner Cloud on its own, for the demo and for trying the panel by hand:
//   node dist/src/fake-hcloud/fake-hcloud.main.js --port 4010 --seed demo [--host 127.0.0.1] [--action-duration-ms 3000]
//     [--validate-requests]   (check requests against vendor/hcloud/openapi.json; needs the devDependencies)
// Prints the endpoints and tokens to use, and stops cleanly on Ctrl-C.
import { parseArgs } from 'node:util';
import { DEMO_READONLY_TOKEN, DEMO_TOKEN } from './fake-hcloud.seed';
import { FakeHcloud } from './fake-hcloud.server';
import { FakeHcloudOptions } from './fake-hcloud.types';

export function parseMainArgs(argv: string[]): FakeHcloudOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: '0' },
      seed: { type: 'string', default: 'none' },
      'action-duration-ms': { type: 'string' },
      'validate-requests': { type: 'boolean', default: false },
    },
  });
  if (values.seed !== 'demo' && values.seed !== 'none') throw new Error(`--seed must be demo or none`);
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be 0..65535`);
  const duration = values['action-duration-ms'];
  return {
    host: values.host,
    port,
    seed: values.seed,
    actionDurationMs: duration === undefined ? undefined : Number(duration),
    validateRequests: values['validate-requests'],
  };
}

export function describeFake(fake: FakeHcloud, options: FakeHcloudOptions): string {
  const lines = [
    `Fake Hetzner Cloud listening on ${fake.url}`,
    `  HCLOUD_ENDPOINT=${fake.apiEndpoint}`,
    `  HCLOUD_METADATA_ENDPOINT=${fake.metadataEndpoint}`,
  ];
  if (options.seed === 'demo') {
    lines.push(`  token (read_write): ${DEMO_TOKEN}`, `  token (read_only):  ${DEMO_READONLY_TOKEN}`);
  } else {
    lines.push('  no tokens yet (start with --seed demo for a ready-made project)');
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const options = parseMainArgs(process.argv.slice(2));
  const fake = await FakeHcloud.start(options);
  console.log(describeFake(fake, options));
  const stop = () => void fake.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
