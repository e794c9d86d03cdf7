import { AppConfig } from '../../config/app-config';
import { AuthService } from '../../host/auth/auth.service';
import { LineLogger } from '../../logging/line.logger';
import { Clock } from '../../clock/clock';
import { createServerApp, prepareRuntime } from '../../runtime';
import { CliCommand } from '../cli-command';

/** Starts the panel: migrations, the web server and the scheduler. Returns the running app's close function. */
export async function startServer(config: AppConfig, opts: { clock?: Clock; logger?: LineLogger } = {}): Promise<{ url: string; close: () => Promise<void>; setupCode: () => string | null }> {
  const logger = opts.logger ?? new LineLogger(config.logLevel);
  const rt = await prepareRuntime(config, { role: 'server', clock: opts.clock, log: (l) => logger.log(l, 'Database') });
  const app = await createServerApp(rt, logger);
  app.enableShutdownHooks();
  const auth = app.get(AuthService);
  auth.printSetupCodeOnBootstrap = true;
  await app.listen(config.port, config.host);
  const address = app.getHttpServer().address() as { port: number };
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${address.port}`;
  logger.log(`Snapshot Panel is listening on ${url}`, 'Server');
  return { url, close: () => app.close(), setupCode: () => auth.currentSetupCode() };
}

export const serveCommand: CliCommand = {
  name: ['serve'],
  summary: 'Run the panel: web pages on HOST:PORT and the snapshot scheduler.',
  async run(_args, env) {
    await startServer(env.config);
    return 0;
  },
};
