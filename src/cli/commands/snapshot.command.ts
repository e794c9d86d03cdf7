// `snapshot-panel snapshot list|create|delete|protect|unprotect`: the snapshots page on the command line,
// through the same SnapshotListingService and SnapshotsService (same cache, same validation, same refusals).
import { CLOCK, Clock } from '../../clock/clock';
import { validateForm } from '../../forms/form-validation';
import { SnapshotOperationError } from '../../hetzner-snapshots/snapshots/snapshot-operation.error';
import { presentSnapshots, SnapshotRowView } from '../../hetzner-snapshots/snapshots/snapshots.presenter';
import {
  SnapshotListing,
  SnapshotListingService,
} from '../../hetzner-snapshots/snapshots/snapshot-listing.service';
import { Caller, SnapshotsService } from '../../hetzner-snapshots/snapshots/snapshots.service';
import { TakeSnapshotDto } from '../../hetzner-snapshots/snapshots/take-snapshot.dto';
import { formatPanelTime } from '../../hetzner-snapshots/time/panel-time.format';
import { imageIdArg } from '../cli-args';
import { CliCommand, CommandEnv, EXIT_FAILED, EXIT_OK, EXIT_USAGE } from '../cli-command';
import { print } from '../cli-io';

/** A command may wait out retries and backoff; nobody is watching a spinner in a browser. */
const CALLER: Caller = { actor: 'cli', interactive: false };

async function service(env: CommandEnv): Promise<SnapshotsService> {
  return (await env.context()).get(SnapshotsService);
}

/** Refusals and Hetzner's errors are the command failing (exit 1), in the service's words. */
async function failingWith(env: CommandEnv, work: () => Promise<number>): Promise<number> {
  try {
    return await work();
  } catch (err) {
    if (!(err instanceof SnapshotOperationError)) throw err;
    print(env.io.stderr, err.message);
    return EXIT_FAILED;
  }
}

export const snapshotListCommand: CliCommand = {
  name: ['snapshot', 'list'],
  summary:
    "List this server's snapshots, fresh from Hetzner (exit 1 when only the last known list could be shown).",
  flags: { json: { type: 'boolean', description: 'print JSON' } },
  run: (args, env) =>
    failingWith(env, async () => {
      const snapshots = await service(env);
      const clock = (await env.context()).get<Clock>(CLOCK);
      const listing = await (await env.context()).get(SnapshotListingService).freshListing();
      const rows = presentSnapshots({
        images: listing.images,
        serverId: listing.serverId,
        policy: await snapshots.retentionPolicy(),
        now: clock.now(),
        timeZone: snapshots.timeZone,
        page: 1,
        perPage: Math.max(1, listing.images.length),
        progress: listing.progress,
        pricing: listing.pricing,
        basePath: '',
      });
      if (args.flags.json) print(env.io.stdout, JSON.stringify(asJson(listing, rows.rows), null, 2));
      else
        print(
          env.io.stdout,
          asTable(
            listing,
            rows.rows,
            rows.summary.countText,
            rows.summary.totalSizeText,
            rows.summary.monthlyCostText,
            snapshots.timeZone,
          ),
        );
      if (listing.lastError) {
        print(
          env.io.stderr,
          `The list could not be refreshed; this is the last known one. ${listing.lastError}`,
        );
        return EXIT_FAILED;
      }
      return EXIT_OK;
    }),
};

function asJson(listing: SnapshotListing, rows: SnapshotRowView[]) {
  const byId = new Map(listing.images.map((image) => [image.id, image]));
  return {
    server_id: listing.serverId,
    listed_at: listing.listedAt.toISOString(),
    stale: listing.lastError !== null,
    error: listing.lastError,
    snapshots: rows.map((row) => {
      const image = byId.get(row.id)!;
      return {
        id: row.id,
        description: row.description,
        created: image.created,
        status: image.status,
        progress: row.status.progress,
        size_gb: image.status === 'creating' ? null : image.image_size,
        made_by: row.origin.kind,
        protected: row.protected,
        labels: image.labels,
        retention: row.retention.text,
      };
    }),
  };
}

function asTable(
  listing: SnapshotListing,
  rows: SnapshotRowView[],
  count: string,
  size: string,
  cost: string | null,
  timeZone: string,
): string {
  const head = `${count} of server ${listing.server?.name ?? listing.serverId}, ${size}${cost ? `, about ${cost}` : ''} (listed ${formatPanelTime(listing.listedAt, timeZone)})`;
  if (rows.length === 0) return `${head}\nNo snapshots yet: take one with "snapshot-panel snapshot create".`;
  const table = [
    ['ID', 'CREATED', 'SIZE', 'STATUS', 'MADE BY', 'PROTECTED', 'RETENTION', 'DESCRIPTION'],
    ...rows.map((r) => [
      String(r.id),
      r.createdText,
      r.sizeText,
      r.status.label,
      r.origin.label,
      r.protected ? 'yes' : 'no',
      r.retention.text,
      r.description,
    ]),
  ];
  const widths = table[0].map((_, col) => Math.max(...table.map((line) => line[col].length)));
  const lines = table.map((line) =>
    line
      .map((cell, col) => (col === line.length - 1 ? cell : cell.padEnd(widths[col])))
      .join('  ')
      .trimEnd(),
  );
  return [head, ...lines].join('\n');
}

export const snapshotCreateCommand: CliCommand = {
  name: ['snapshot', 'create'],
  summary: 'Take a snapshot now, wait until it is available and print its id (exit 0 only then).',
  flags: { description: { type: 'string', description: 'up to 100 printable characters' } },
  run: async (args, env) => {
    const form = validateForm(
      TakeSnapshotDto,
      args.flags.description === undefined ? {} : { description: args.flags.description },
    );
    if (!form.ok) {
      print(env.io.stderr, `--description: ${Object.values(form.errors).join(' ')}`);
      return EXIT_USAGE;
    }
    return failingWith(env, async () => {
      const snapshots = await service(env);
      const result = await snapshots.takeSnapshot({ description: form.value.description, caller: CALLER });
      if (result.kind !== 'started')
        throw new SnapshotOperationError('in_progress', 'A snapshot is already being started.');
      print(env.io.stderr, `Snapshot ${result.image.id} started; waiting until Hetzner has finished it…`);
      let shown = -1;
      const image = await snapshots.waitForSnapshot(result, (progress) => {
        // Every 10%: enough to see it move, few enough lines for a log file.
        if (progress >= shown + 10 || (progress === 100 && shown !== 100)) {
          shown = progress;
          print(env.io.stderr, `  ${progress}%`);
        }
      });
      print(env.io.stdout, String(image.id));
      return EXIT_OK;
    });
  },
};

export const snapshotDeleteCommand: CliCommand = {
  name: ['snapshot', 'delete'],
  summary: 'Delete a snapshot of this server (protected ones are refused).',
  positionals: ['ID'],
  run: (args, env) => {
    const id = imageIdArg(args.positionals[0]);
    return failingWith(env, async () => {
      const image = await (await service(env)).deleteSnapshot(id, CALLER);
      print(
        env.io.stdout,
        `Deleted snapshot ${image.id}${image.description ? ` (${image.description})` : ''}.`,
      );
      return EXIT_OK;
    });
  },
};

function protectionCommand(protect: boolean): CliCommand {
  return {
    name: ['snapshot', protect ? 'protect' : 'unprotect'],
    summary: protect
      ? 'Turn on delete protection for a snapshot of this server.'
      : 'Turn off delete protection for a snapshot of this server.',
    positionals: ['ID'],
    run: (args, env) => {
      const id = imageIdArg(args.positionals[0]);
      return failingWith(env, async () => {
        const { changed } = await (await service(env)).setProtection(id, protect, CALLER);
        const state = protect ? 'protected' : 'not protected';
        print(
          env.io.stdout,
          changed ? `Snapshot ${id} is now ${state}.` : `Snapshot ${id} was already ${state}.`,
        );
        return EXIT_OK;
      });
    },
  };
}

export const snapshotProtectCommand = protectionCommand(true);
export const snapshotUnprotectCommand = protectionCommand(false);

export const snapshotCommands: CliCommand[] = [
  snapshotListCommand,
  snapshotCreateCommand,
  snapshotDeleteCommand,
  snapshotProtectCommand,
  snapshotUnprotectCommand,
];
