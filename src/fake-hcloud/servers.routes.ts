import { listActionsResult, projectAction } from './actions.routes';
import { notFound, uniquenessError } from './fake-hcloud.errors';
import { paginate, parsePageRequest } from './fake-hcloud.pagination';
import { Route, RouteContext, RouteDeps } from './fake-hcloud.router';
import { serializeAction, serializeServer } from './fake-hcloud.serializers';
import { parseSort, sortItems } from './fake-hcloud.sorting';
import { FakeHcloudState } from './fake-hcloud.state';
import { FakeServerRecord, SERVER_STATUSES } from './fake-hcloud.types';
import {
  bodyObject,
  FieldErrors,
  optionalLabels,
  optionalString,
  queryEnumList,
  queryLabelSelector,
} from './fake-hcloud.validation';
import { matchesLabelSelector } from './label-selector';

const SERVER_SORT_FIELDS = {
  id: (server: FakeServerRecord) => server.id,
  name: (server: FakeServerRecord) => server.name,
  created: (server: FakeServerRecord) => server.created.getTime(),
};

export function serverRoutes({ state }: RouteDeps): Route[] {
  return [
    { method: 'GET', pattern: '/v1/servers', handle: (context) => listServers(state, context) },
    {
      method: 'GET',
      pattern: '/v1/servers/:id',
      handle: (context) => ({
        status: 200,
        body: { server: renderServer(state, projectServer(state, context)) },
      }),
    },
    { method: 'PUT', pattern: '/v1/servers/:id', handle: (context) => updateServer(state, context) },
    {
      method: 'GET',
      pattern: '/v1/servers/:id/actions',
      handle: (context) => {
        const server = projectServer(state, context);
        return listActionsResult(state, context, (action) => actsOnServer(action.resources, server.id));
      },
    },
    // Deprecated by Hetzner in favour of GET /actions/{id}, still answered like the real API does.
    {
      method: 'GET',
      pattern: '/v1/servers/:id/actions/:actionId',
      handle: (context) => {
        const server = projectServer(state, context);
        const action = projectAction(state, context, context.params.actionId);
        if (!actsOnServer(action.resources, server.id)) throw notFound('action', action.id);
        return { status: 200, body: { action: serializeAction(action) } };
      },
    },
  ];
}

export function projectServer(state: FakeHcloudState, context: RouteContext): FakeServerRecord {
  const id = context.params.id;
  const server = state.servers.get(id);
  if (!server || server.projectId !== context.projectId) throw notFound('server', id);
  return server;
}

function listServers(state: FakeHcloudState, context: RouteContext) {
  const { query } = context;
  const errors = new FieldErrors();
  const statuses = queryEnumList(query, 'status', SERVER_STATUSES, errors);
  const name = query.get('name');
  const sort = parseSort(query, SERVER_SORT_FIELDS, errors);
  const pageRequest = parsePageRequest(query, errors);
  const selector = queryLabelSelector(query, errors);
  errors.throwIfAny();

  const matching = [...state.servers.values()].filter(
    (server) =>
      server.projectId === context.projectId &&
      (statuses.length === 0 || statuses.includes(server.status)) &&
      (name === null || server.name === name) &&
      (!selector || matchesLabelSelector(selector, server.labels)),
  );
  const page = paginate(sortItems(matching, sort), pageRequest, { pageUrl: context.pageUrl, query });
  return {
    status: 200,
    headers: page.headers,
    body: { servers: page.items.map((server) => renderServer(state, server)), meta: page.meta },
  };
}

// RFC 1123 host names: dot-separated labels of letters, digits and inner dashes, 63 characters each at most.
const HOST_LABEL = /^[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$/;

export function isValidServerName(name: string): boolean {
  return name.length <= 253 && name.split('.').every((label) => HOST_LABEL.test(label));
}

/** 409 uniqueness_error when another server of the project has the name (none given: nothing to check). */
export function assertServerNameFree(
  state: FakeHcloudState,
  projectId: number,
  name: string | undefined,
  exceptServerId?: number,
): void {
  const taken = [...state.servers.values()].some(
    (other) => other.projectId === projectId && other.id !== exceptServerId && other.name === name,
  );
  if (name !== undefined && taken) throw uniquenessError('name', 'server name is already used');
}

function updateServer(state: FakeHcloudState, context: RouteContext) {
  const server = projectServer(state, context);
  const body = bodyObject(context.body);
  const errors = new FieldErrors();
  const name = optionalString(body, 'name', errors);
  if (name !== undefined && !isValidServerName(name)) errors.add('name', 'invalid hostname');
  const labels = optionalLabels(body, 'labels', errors);
  errors.throwIfAny();
  assertServerNameFree(state, server.projectId, name, server.id);

  if (name !== undefined) server.name = name;
  // Labels given replace the whole set, as the spec says.
  if (labels !== undefined) server.labels = labels;
  return { status: 200, body: { server: renderServer(state, server) } };
}

export function renderServer(state: FakeHcloudState, server: FakeServerRecord) {
  const image = server.imageId === null ? null : (state.images.get(server.imageId) ?? null);
  return serializeServer(server, {
    image,
    locked: state.runningActionOn('server', server.id) !== undefined,
    volumeIds: state.volumeIdsOf(server.id),
  });
}

function actsOnServer(resources: { id: number; type: string }[], serverId: number): boolean {
  return resources.some((resource) => resource.type === 'server' && resource.id === serverId);
}
