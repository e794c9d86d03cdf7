import { loadConfig } from '../../config/app-config';
import { MetadataClient } from '../../hetzner-snapshots/hcloud';
import { CliCommand } from '../cli-command';
import { print } from '../cli-io';
import { startServer } from '../panel-server';

/** Starts the built-in fake Hetzner API (one server, a few snapshots of every kind) and the panel pointed at it. */
export async function startDemo(env: NodeJS.ProcessEnv, out: NodeJS.WritableStream): Promise<void> {
  // Loaded here, not at the top: `serve` imports this file and must not load the fake it never runs.
  const { DEMO_READONLY_TOKEN, DEMO_TOKEN, FakeHcloud } = await import('../../fake-hcloud');
  // No request checking against openapi.json: it needs devDependencies, which an installed panel does not have.
  const fake = await FakeHcloud.start({ seed: 'demo', actionDurationMs: 15_000, validateRequests: false });
  const config = loadConfig({
    DATA_DIR: './data/demo',
    ...env,
    HCLOUD_ENDPOINT: fake.apiEndpoint,
    HCLOUD_METADATA_ENDPOINT: fake.metadataEndpoint,
    HCLOUD_SERVER_ID: '',
  });
  const server = await startServer(config, { demo: true });
  const code = server.setupCode();
  out.write(
    [
      '',
      '  Snapshot Panel: DEMO MODE (a built-in fake Hetzner Cloud API, nothing touches a real account)',
      `  Open ${server.url}`,
      code
        ? `  First run: the setup code is ${code}`
        : '  Sign in with the admin you created earlier (data in ' + config.dataDir + ').',
      `  In Settings, paste the token ${DEMO_TOKEN} (or ${DEMO_READONLY_TOKEN} to see a read-only token refused).`,
      '',
    ].join('\n') + '\n',
  );
  const stop = () =>
    void server
      .close()
      .then(() => fake.close())
      .then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

export const demoCommand: CliCommand = {
  name: ['demo'],
  summary: 'Run the panel against the built-in fake Hetzner Cloud API (for trying it anywhere).',
  async run(_args, env) {
    await startDemo(env.io.env, env.io.stdout);
    return 0;
  },
};

/** True when nothing says where a real Hetzner server is: no server id, the default endpoints, and no metadata answer. */
export async function noRealServerAround(env: NodeJS.ProcessEnv): Promise<boolean> {
  const config = loadConfig(env);
  if (config.serverId || env.HCLOUD_ENDPOINT || env.HCLOUD_METADATA_ENDPOINT) return false;
  try {
    await new MetadataClient({ endpoint: config.metadataEndpoint, timeoutMs: 1500 }).getInstance();
    return false;
  } catch {
    return true;
  }
}

export function printAutoDemoNotice(io: { stdout: NodeJS.WritableStream }): void {
  print(
    io.stdout as never,
    'No Hetzner server found here (no metadata service, no HCLOUD_SERVER_ID): starting the demo instead.',
  );
}
