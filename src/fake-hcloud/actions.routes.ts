import { notFound } from './fake-hcloud.errors';
import { paginate, parsePageRequest } from './fake-hcloud.pagination';
import { Route, RouteContext, RouteDeps, RouteResult } from './fake-hcloud.router';
import { serializeAction } from './fake-hcloud.serializers';
import { parseSort, sortItems } from './fake-hcloud.sorting';
import { FakeHcloudState } from './fake-hcloud.state';
import { ACTION_STATUSES, FakeActionRecord } from './fake-hcloud.types';
import { FieldErrors, queryEnumList, queryIntList } from './fake-hcloud.validation';

const ACTION_SORT_FIELDS = {
  id: (action: FakeActionRecord) => action.id,
  command: (action: FakeActionRecord) => action.command,
  status: (action: FakeActionRecord) => action.status,
  started: (action: FakeActionRecord) => action.started.getTime(),
  finished: (action: FakeActionRecord) => action.finished?.getTime() ?? null,
};

export function actionRoutes({ state }: RouteDeps): Route[] {
  return [
    {
      method: 'GET',
      pattern: '/v1/actions',
      handle: (context) => {
        const errors = new FieldErrors();
        const ids = new Set(queryIntList(context.query, 'id', errors));
        if (ids.size === 0) errors.add('id', 'is required');
        errors.throwIfAny();
        return listActionsResult(state, context, (action) => ids.has(action.id));
      },
    },
    {
      method: 'GET',
      pattern: '/v1/actions/:id',
      handle: (context) => ({
        status: 200,
        body: { action: serializeAction(projectAction(state, context)) },
      }),
    },
  ];
}

export function projectAction(
  state: FakeHcloudState,
  context: RouteContext,
  id = context.params.id,
): FakeActionRecord {
  const action = state.actions.get(id);
  if (!action || action.projectId !== context.projectId) throw notFound('action', id);
  return action;
}

/** The paginated action list shared by /actions, /servers/{id}/actions and /images/{id}/actions. */
export function listActionsResult(
  state: FakeHcloudState,
  context: RouteContext,
  include: (action: FakeActionRecord) => boolean,
): RouteResult {
  const { query } = context;
  const errors = new FieldErrors();
  const statuses = queryEnumList(query, 'status', ACTION_STATUSES, errors);
  const sort = parseSort(query, ACTION_SORT_FIELDS, errors);
  const pageRequest = parsePageRequest(query, errors);
  errors.throwIfAny();

  const matching: FakeActionRecord[] = [];
  for (const action of state.actions.values()) {
    if (action.projectId !== context.projectId || !include(action)) continue;
    if (statuses.length > 0 && !statuses.includes(action.status)) continue;
    matching.push(action);
  }
  const page = paginate(sortItems(matching, sort), pageRequest, { pageUrl: context.pageUrl, query });
  return {
    status: 200,
    headers: page.headers,
    body: { actions: page.items.map(serializeAction), meta: page.meta },
  };
}
