import {
  invalidInput,
  locked,
  notFound,
  protectedAgainst,
  resourceLimitExceeded,
  resourceUnavailable,
} from './fake-hcloud.errors';
import { Route, RouteContext, RouteDeps } from './fake-hcloud.router';
import { serializeAction, serializeImage } from './fake-hcloud.serializers';
import { FakeHcloudState, snapshotSize } from './fake-hcloud.state';
import { FakeImageRecord, FakeServerRecord, FakeServerStatus } from './fake-hcloud.types';
import {
  bodyObject,
  FieldErrors,
  optionalBoolean,
  optionalEnum,
  optionalLabels,
  optionalString,
} from './fake-hcloud.validation';
import { projectServer } from './servers.routes';

const POWER_ACTIONS: { path: string; command: string; endStatus: FakeServerStatus }[] = [
  { path: 'poweroff', command: 'stop_server', endStatus: 'off' },
  { path: 'poweron', command: 'start_server', endStatus: 'running' },
  { path: 'shutdown', command: 'shutdown_server', endStatus: 'off' },
];

export function serverActionRoutes(deps: RouteDeps): Route[] {
  return [
    {
      method: 'POST',
      pattern: '/v1/servers/:id/actions/create_image',
      handle: (context) => createImage(deps, context),
    },
    {
      method: 'POST',
      pattern: '/v1/servers/:id/actions/rebuild',
      handle: (context) => rebuild(deps, context),
    },
    {
      method: 'POST',
      pattern: '/v1/servers/:id/actions/change_protection',
      handle: (context) => changeProtection(deps, context),
    },
    {
      method: 'POST',
      pattern: '/v1/servers/:id/actions/enable_backup',
      handle: (context) => changeBackups(deps, context, 'enable_backup'),
    },
    {
      method: 'POST',
      pattern: '/v1/servers/:id/actions/disable_backup',
      handle: (context) => changeBackups(deps, context, 'disable_backup'),
    },
    ...POWER_ACTIONS.map((power): Route => ({
      method: 'POST',
      pattern: `/v1/servers/:id/actions/${power.path}`,
      handle: (context) => changePower(deps, context, power),
    })),
  ];
}

function changePower(
  { state, actionDurationMs }: RouteDeps,
  context: RouteContext,
  power: (typeof POWER_ACTIONS)[number],
) {
  const server = projectServer(state, context);
  assertUnlocked(state, server);
  const action = state.startAction({
    projectId: context.projectId,
    command: power.command,
    resources: [{ id: server.id, type: 'server' }],
    durationMs: actionDurationMs,
    onSuccess: () => {
      server.status = power.endStatus;
    },
  });
  return { status: 201, body: { action: serializeAction(action) } };
}

function createImage({ state, actionDurationMs }: RouteDeps, context: RouteContext) {
  const server = projectServer(state, context);
  const body = bodyObject(context.body);
  const errors = new FieldErrors();
  const type = optionalEnum(body, 'type', ['snapshot', 'backup'] as const, errors) ?? 'snapshot';
  const description = optionalString(body, 'description', errors);
  const labels = optionalLabels(body, 'labels', errors);
  errors.throwIfAny();
  assertUnlocked(state, server);
  const limit = state.project(context.projectId).snapshotLimit;
  if (type === 'snapshot' && limit !== null && state.snapshotCount(context.projectId) >= limit) {
    throw resourceLimitExceeded();
  }

  const image = state.addImage({
    projectId: context.projectId,
    serverId: server.id,
    type,
    status: 'creating',
    imageSize: null,
    description,
    labels,
  });
  const action = state.startAction({
    projectId: context.projectId,
    command: 'create_image',
    resources: [
      { id: server.id, type: 'server' },
      { id: image.id, type: 'image' },
    ],
    durationMs: actionDurationMs,
    onSuccess: () => {
      image.status = 'available';
      image.imageSize = snapshotSize(server.diskUsedGb, image.diskSize, image.id);
    },
    // A failed snapshot leaves nothing behind in the real API's image list.
    onError: () => state.images.delete(image.id),
  });
  return { status: 201, body: { image: serializeImage(image), action: serializeAction(action) } };
}

function rebuild({ state, actionDurationMs }: RouteDeps, context: RouteContext) {
  const server = projectServer(state, context);
  const body = bodyObject(context.body);
  const errors = new FieldErrors();
  const reference = body.image;
  if (reference === undefined) errors.add('image', 'is required');
  else if (typeof reference !== 'string' && typeof reference !== 'number')
    errors.add('image', 'must be an ID or a name');
  errors.throwIfAny();

  const image = findImageByReference(state, context.projectId, reference as string | number);
  if (!image) throw notFound('image', String(reference));
  if (image.status !== 'available') throw resourceUnavailable(`image ${image.id} is not available`);
  if (server.protection.rebuild) throw protectedAgainst('server rebuild is protected');
  assertUnlocked(state, server);

  server.status = 'rebuilding';
  const action = state.startAction({
    projectId: context.projectId,
    command: 'rebuild_server',
    resources: [{ id: server.id, type: 'server' }],
    durationMs: actionDurationMs,
    onSuccess: () => {
      server.status = 'running';
      server.imageId = image.id;
    },
    onError: () => {
      server.status = 'off';
    },
  });
  return { status: 201, body: { action: serializeAction(action), root_password: state.rebuildRootPassword } };
}

function changeProtection({ state }: RouteDeps, context: RouteContext) {
  const server = projectServer(state, context);
  const body = bodyObject(context.body);
  const errors = new FieldErrors();
  const protectDelete = optionalBoolean(body, 'delete', errors);
  const protectRebuild = optionalBoolean(body, 'rebuild', errors);
  errors.throwIfAny();
  const next = {
    delete: protectDelete ?? server.protection.delete,
    rebuild: protectRebuild ?? server.protection.rebuild,
  };
  // The spec: "currently delete and rebuild attribute needs to have the same value".
  if (next.delete !== next.rebuild) {
    throw invalidInput([
      {
        name: protectRebuild === undefined ? 'rebuild' : 'delete',
        messages: ['delete and rebuild must have the same value'],
      },
    ]);
  }

  const action = state.startAction({
    projectId: context.projectId,
    command: 'change_protection',
    resources: [{ id: server.id, type: 'server' }],
    durationMs: 0,
    onSuccess: () => {
      server.protection = next;
    },
  });
  // Protection changes finish at once, so the answer already shows the action's outcome.
  state.settleActions();
  return { status: 201, body: { action: serializeAction(action) } };
}

// Hetzner picks the window; the fake derives one of its two-hour windows from the server id.
const BACKUP_WINDOWS = ['22-02', '02-06', '06-10', '10-14', '14-18', '18-22'];

function changeBackups(
  { state, actionDurationMs }: RouteDeps,
  context: RouteContext,
  command: 'enable_backup' | 'disable_backup',
) {
  const server = projectServer(state, context);
  assertUnlocked(state, server);
  const action = state.startAction({
    projectId: context.projectId,
    command,
    resources: [{ id: server.id, type: 'server' }],
    durationMs: actionDurationMs,
    onSuccess: () => {
      if (command === 'enable_backup') {
        server.backupWindow ??= BACKUP_WINDOWS[server.id % BACKUP_WINDOWS.length];
        return;
      }
      server.backupWindow = null;
      // "Caution: This immediately removes all existing backups for the Server!"
      for (const image of [...state.images.values()]) {
        if (image.type === 'backup' && image.boundTo === server.id) state.images.delete(image.id);
      }
    },
  });
  return { status: 201, body: { action: serializeAction(action) } };
}

function assertUnlocked(state: FakeHcloudState, server: FakeServerRecord): void {
  if (state.runningActionOn('server', server.id)) throw locked('server');
}

/** Rebuild takes an image ID or, for named images, a name (as a string or a number). */
function findImageByReference(
  state: FakeHcloudState,
  projectId: number,
  reference: string | number,
): FakeImageRecord | undefined {
  const visible = (image: FakeImageRecord | undefined) =>
    image && state.isImageVisible(image, projectId) ? image : undefined;
  if (/^\d+$/.test(String(reference))) {
    const byId = visible(state.images.get(Number(reference)));
    if (byId) return byId;
  }
  for (const image of state.images.values()) {
    if (image.name === String(reference) && visible(image)) return image;
  }
  return undefined;
}
