import {
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
  return { status: 201, body: { action: serializeAction(action), root_password: null } };
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
