// `snapshot-panel verify ID [--json]`: a restore drill of one snapshot, through the same DrillService as the
// page (same lease, same clean-up first, same records). The cost is printed before the drill starts.
import { DrillError, DrillService } from '../../hetzner-snapshots/verify/drill.service';
import { drillAsJson, presentDrill } from '../../hetzner-snapshots/verify/drill.presenter';
import { imageIdArg } from '../cli-args';
import { CliCommand, EXIT_FAILED, EXIT_OK } from '../cli-command';
import { print } from '../cli-io';

export const verifyCommand: CliCommand = {
  name: ['verify'],
  summary:
    'Restore drill: boot a temporary server from snapshot ID, check it, delete it; states the cost first (exit 1 when the drill fails).',
  positionals: ['ID'],
  flags: { json: { type: 'boolean', description: 'print JSON' } },
  run: async (args, env) => {
    const imageId = imageIdArg(args.positionals[0]);
    const drills = (await env.context()).get(DrillService);
    const timeZone = env.config.timeZone;
    try {
      const { plan, done } = await drills.begin({ imageId, trigger: 'cli', actor: 'cli' });
      if (!args.flags.json) print(env.io.stdout, `Drill of snapshot ${imageId}: ${plan.costText}`);
      const run = await done;
      if (args.flags.json) {
        print(
          env.io.stdout,
          JSON.stringify(
            {
              plan: {
                server_type: plan.serverType,
                location: plan.location,
                port: plan.port,
                public_ipv4: plan.enableIpv4,
                estimated_minutes: plan.estimatedMinutes,
                estimated_cost: plan.estimatedCost,
                currency: plan.currency,
                cost_text: plan.costText,
              },
              drill: drillAsJson(run),
            },
            null,
            2,
          ),
        );
      } else {
        const view = presentDrill(run, timeZone);
        print(
          env.io.stdout,
          [
            `Result:  ${view.statusText}${view.error ? `: ${view.error}` : ''}`,
            `Server:  ${view.serverType} in ${view.location}${view.drillServerId ? ` (id ${view.drillServerId}, deleted)` : ''}`,
            `Boot:    ${view.bootText}`,
            `Port:    ${view.portText}`,
            `Cost:    ${view.costText} (stated before: ${view.estimatedCostText})`,
          ].join('\n'),
        );
      }
      return run.status === 'passed' ? EXIT_OK : EXIT_FAILED;
    } catch (err) {
      if (!(err instanceof DrillError)) throw err;
      print(env.io.stderr, err.message);
      return EXIT_FAILED;
    }
  },
};
