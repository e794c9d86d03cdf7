// Creating and deleting servers, the server type catalogue and volumes: what a restore drill needs from the
// API (POST /servers from a snapshot, DELETE /servers/{id}, GET /server_types) and what the "not covered by a
// snapshot" warnings read (GET /volumes/{id}). Limits, sold-out types and servers that never boot are scriptable.
import { findLocation, SERVER_TYPES } from './fake-hcloud.catalog';
import {
  invalidInput,
  notFound,
  protectedAgainst,
  resourceLimitExceeded,
  resourceUnavailable,
} from './fake-hcloud.errors';
import { paginate, parsePageRequest } from './fake-hcloud.pagination';
import { Route, RouteContext, RouteDeps } from './fake-hcloud.router';
import { serializeAction, serializeCatalogServerType, serializeVolume } from './fake-hcloud.serializers';
import {
  bodyObject,
  FieldErrors,
  optionalBoolean,
  optionalLabels,
  optionalString,
} from './fake-hcloud.validation';
import { assertServerNameFree, isValidServerName, projectServer, renderServer } from './servers.routes';

export function serverLifecycleRoutes(deps: RouteDeps): Route[] {
  const { state } = deps;
  return [
    { method: 'POST', pattern: '/v1/servers', handle: (context) => createServer(deps, context) },
    { method: 'DELETE', pattern: '/v1/servers/:id', handle: (context) => deleteServer(deps, context) },
    { method: 'GET', pattern: '/v1/server_types', handle: (context) => listServerTypes(context) },
    {
      method: 'GET',
      pattern: '/v1/volumes/:id',
      handle: (context) => {
        const volume = state.volumes.get(context.params.id);
        if (!volume || volume.projectId !== context.projectId) throw notFound('volume', context.params.id);
        return { status: 200, body: { volume: serializeVolume(volume) } };
      },
    },
  ];
}

function createServer({ state, actionDurationMs }: RouteDeps, context: RouteContext) {
  const body = bodyObject(context.body);
  const errors = new FieldErrors();
  const name = optionalString(body, 'name', errors);
  const typeRef = optionalString(body, 'server_type', errors);
  const imageRef = optionalString(body, 'image', errors);
  const locationName = optionalString(body, 'location', errors) ?? 'fsn1';
  const labels = optionalLabels(body, 'labels', errors) ?? {};
  const startAfterCreate = optionalBoolean(body, 'start_after_create', errors) ?? true;
  const publicNet = body.public_net === undefined ? {} : bodyObject(body.public_net);
  const enableIpv4 = optionalBoolean(publicNet, 'enable_ipv4', errors) ?? true;
  if (name === undefined) errors.add('name', 'is required');
  else if (!isValidServerName(name)) errors.add('name', 'invalid hostname');
  if (typeRef === undefined) errors.add('server_type', 'is required');
  if (imageRef === undefined) errors.add('image', 'is required');
  errors.throwIfAny();

  const type = SERVER_TYPES.find((t) => t.name === typeRef || String(t.id) === typeRef);
  if (!type) throw invalidInput([{ name: 'server_type', messages: ['server type not found'] }]);
  const location = findLocation(locationName);
  if (!location) throw invalidInput([{ name: 'location', messages: ['location not found'] }]);
  const image = state.images.get(Number(imageRef));
  if (!image || !state.isImageVisible(image, context.projectId)) throw notFound('image', imageRef);
  if (image.status !== 'available') throw resourceUnavailable(`image ${image.id} is not available`);
  if (image.architecture !== type.architecture)
    throw invalidInput([{ name: 'server_type', messages: ['architecture does not match the image'] }]);
  if (image.diskSize > type.diskGb)
    throw invalidInput([{ name: 'server_type', messages: ['disk is too small for the image'] }]);
  if (type.unsupportedIn.includes(location.name) || type.unavailableIn.includes(location.name))
    throw resourceUnavailable(`server type ${type.name} is not available in ${location.name}`);
  assertServerNameFree(state, context.projectId, name);
  const limit = state.project(context.projectId).serverLimit;
  if (limit !== null && state.serverCount(context.projectId) >= limit) throw resourceLimitExceeded();

  const server = state.addServer({
    projectId: context.projectId,
    name,
    serverType: type.name,
    locationName: location.name,
    labels,
    status: 'initializing',
    ipv4: enableIpv4 ? (state.newServers.ipv4 ?? undefined) : null,
    diskGb: type.diskGb,
  });
  server.imageId = image.id;
  const boot = state.newServers.boot;
  const action = state.startAction({
    projectId: context.projectId,
    command: 'create_server',
    resources: [{ id: server.id, type: 'server' }],
    durationMs: actionDurationMs,
    onSuccess: () => {
      if (!state.servers.has(server.id)) return;
      server.status = !startAfterCreate ? 'off' : boot === 'stuck' ? 'starting' : 'running';
    },
    onError: () => {
      server.status = 'off';
    },
  });
  return {
    status: 201,
    body: {
      server: renderServer(state, server),
      action: serializeAction(action),
      next_actions: [],
      // A server from a snapshot keeps the snapshot's own root password.
      root_password: null,
    },
  };
}

function deleteServer({ state }: RouteDeps, context: RouteContext) {
  const server = projectServer(state, context);
  if (server.protection.delete) throw protectedAgainst('server deletion is protected');
  // Deleting is allowed while an action runs (Hetzner cancels it); the server is gone from the list at once.
  state.servers.delete(server.id);
  for (const volume of state.volumes.values()) if (volume.serverId === server.id) volume.serverId = null;
  const action = state.startAction({
    projectId: context.projectId,
    command: 'delete_server',
    resources: [{ id: server.id, type: 'server' }],
    durationMs: 0,
  });
  state.settleActions();
  return { status: 200, body: { action: serializeAction(action) } };
}

function listServerTypes(context: RouteContext) {
  const errors = new FieldErrors();
  const pageRequest = parsePageRequest(context.query, errors);
  errors.throwIfAny();
  const name = context.query.get('name');
  const types = SERVER_TYPES.filter((type) => name === null || type.name === name);
  const page = paginate([...types], pageRequest, { pageUrl: context.pageUrl, query: context.query });
  return {
    status: 200,
    headers: page.headers,
    body: { server_types: page.items.map(serializeCatalogServerType), meta: page.meta },
  };
}
