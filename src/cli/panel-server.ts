// Starts the panel (migrations, the web server and the scheduler): what `serve` and `demo` both run.
import { AppConfig } from '../config/app-config';
import { AuthService } from '../host/auth/auth.service';
import { LineLogger } from '../logging/line.logger';
import { Clock } from '../clock/clock';
import { createServerApp, prepareRuntime } from '../runtime';

/** Starts the panel: migrations, the web server and the scheduler. Returns the running app's close function. */
export async function startServer(
  config: AppConfig,
  opts: { clock?: Clock; logger?: LineLogger; demo?: boolean } = {},
): Promise<{ url: string; close: () => Promise<void>; setupCode: () => string | null }> {
  const logger = opts.logger ?? new LineLogger(config.logLevel);
  const rt = await prepareRuntime(config, {
    role: 'server',
    clock: opts.clock,
    demo: opts.demo,
    log: (l) => logger.log(l, 'Database'),
  });
  const app = await createServerApp(rt, logger);
  app.enableShutdownHooks();
  const auth = app.get(AuthService);
  auth.printSetupCodeOnBootstrap = true;
  await app.listen(config.port, config.host);
  const address = app.getHttpServer().address() as { port: number };
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${address.port}`;
  logger.log(`Snapshot Panel is listening on ${url}`, 'Server');
  // With PORT=0 this line is the only way to learn the address, so a quieter LOG_LEVEL does not hide it.
  if (config.logLevel === 'warn' || config.logLevel === 'error')
    process.stdout.write(`Snapshot Panel is listening on ${url}\n`);
  return { url, close: () => app.close(), setupCode: () => auth.currentSetupCode() };
}
