// `snapshot-panel notify list|test`: the notification channels from the command line. `notify test` sends a
// test message through the same NotificationService as the settings page's "Send a test" button, and
// records it in the notification history.
import { NotificationChannelsService } from '../../hetzner-snapshots/notifications/notification-channels.service';
import { NotificationService } from '../../hetzner-snapshots/notifications/notification.service';
import { CliCommand, EXIT_FAILED, EXIT_OK, EXIT_USAGE } from '../cli-command';
import { print } from '../cli-io';

export const notifyListCommand: CliCommand = {
  name: ['notify', 'list'],
  summary: 'List the notification channels: id, name, kind, where they send and which events they get.',
  flags: { json: { type: 'boolean', description: 'print the channels as JSON' } },
  async run(args, env) {
    const channels = await (await env.context()).get(NotificationChannelsService).list();
    if (args.flags.json) {
      print(env.io.stdout, JSON.stringify(channels, null, 2));
      return EXIT_OK;
    }
    if (channels.length === 0) {
      print(env.io.stdout, 'No notification channel is set up. Add one in Settings → Notifications.');
      return EXIT_OK;
    }
    for (const c of channels)
      print(
        env.io.stdout,
        `${String(c.id).padStart(3)}  ${c.enabled ? 'on ' : 'off'}  ${c.name} — ${c.formatLabel} → ${c.target}${c.secretSet ? ' (secret set)' : ''}\n     events: ${c.events.join(', ')}`,
      );
    return EXIT_OK;
  },
};

export const notifyTestCommand: CliCommand = {
  name: ['notify', 'test'],
  summary:
    'Send a test message to one channel (--channel ID) or to every channel; exit status 1 when one fails.',
  flags: {
    channel: { type: 'string', description: 'the id of the channel (see notify list); all when left out' },
  },
  async run(args, env) {
    const ctx = await env.context();
    const raw = args.flags.channel as string | undefined;
    let ids: number[];
    if (raw !== undefined) {
      if (!/^[1-9]\d{0,8}$/.test(raw.trim())) {
        print(
          env.io.stderr,
          '--channel: give the id of a channel, a whole number (see snapshot-panel notify list).',
        );
        return EXIT_USAGE;
      }
      ids = [Number(raw.trim())];
    } else {
      ids = (await ctx.get(NotificationChannelsService).list()).map((c) => c.id);
      if (ids.length === 0) {
        print(env.io.stderr, 'No notification channel is set up. Add one in Settings → Notifications.');
        return EXIT_FAILED;
      }
    }
    let failed = false;
    for (const id of ids) {
      const outcome = await ctx.get(NotificationService).sendTest(id);
      print(outcome.ok ? env.io.stdout : env.io.stderr, outcome.message);
      failed ||= !outcome.ok;
    }
    return failed ? EXIT_FAILED : EXIT_OK;
  },
};

export const notifyCommands = [notifyListCommand, notifyTestCommand];
