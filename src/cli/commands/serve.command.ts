import { CliCommand } from '../cli-command';
import { startServer } from '../panel-server';
import { noRealServerAround, printAutoDemoNotice, startDemo } from './demo.command';

export const serveCommand: CliCommand = {
  name: ['serve'],
  summary: 'Run the panel: web pages on HOST:PORT and the snapshot scheduler.',
  flags: {
    'demo-if-not-on-hetzner': {
      type: 'boolean',
      description: 'start the demo (fake Hetzner API) when no Hetzner server is found; what `npm start` does',
    },
  },
  async run(args, env) {
    if (args.flags['demo-if-not-on-hetzner'] && (await noRealServerAround(env.io.env))) {
      printAutoDemoNotice(env.io);
      await startDemo(env.io.env, env.io.stdout);
      return 0;
    }
    await startServer(env.config);
    return 0;
  },
};
