import { listActionsResult } from './actions.routes';
import { FakeClock } from './fake-hcloud.clock';
import { forbidden, locked, notFound, protectedAgainst } from './fake-hcloud.errors';
import { paginate, parsePageRequest } from './fake-hcloud.pagination';
import { Route, RouteContext, RouteDeps } from './fake-hcloud.router';
import { serializeAction, serializeImage } from './fake-hcloud.serializers';
import { parseSort, sortItems } from './fake-hcloud.sorting';
import { FakeHcloudState, isPublicImage } from './fake-hcloud.state';
import { FakeImageRecord, IMAGE_STATUSES, IMAGE_TYPES } from './fake-hcloud.types';
import {
  bodyObject,
  FieldErrors,
  optionalBoolean,
  optionalEnum,
  optionalLabels,
  optionalString,
  queryBoolean,
  queryEnumList,
  queryIntList,
  queryLabelSelector,
} from './fake-hcloud.validation';
import { matchesLabelSelector } from './label-selector';

const ARCHITECTURES = ['x86', 'arm'] as const;

const IMAGE_SORT_FIELDS = {
  id: (image: FakeImageRecord) => image.id,
  name: (image: FakeImageRecord) => image.name,
  created: (image: FakeImageRecord) => image.created.getTime(),
};

export function imageRoutes({ state, clock }: RouteDeps): Route[] {
  return [
    { method: 'GET', pattern: '/v1/images', handle: (context) => listImages(state, clock, context) },
    {
      method: 'GET',
      pattern: '/v1/images/:id',
      handle: (context) => ({ status: 200, body: { image: serializeImage(visibleImage(state, context)) } }),
    },
    { method: 'PUT', pattern: '/v1/images/:id', handle: (context) => updateImage(state, context) },
    { method: 'DELETE', pattern: '/v1/images/:id', handle: (context) => deleteImage(state, context) },
    {
      method: 'GET',
      pattern: '/v1/images/:id/actions',
      handle: (context) => {
        const image = visibleImage(state, context);
        return listActionsResult(state, context, (action) =>
          action.resources.some((resource) => resource.type === 'image' && resource.id === image.id),
        );
      },
    },
    {
      method: 'POST',
      pattern: '/v1/images/:id/actions/change_protection',
      handle: (context) => changeProtection(state, context),
    },
  ];
}

function listImages(state: FakeHcloudState, clock: FakeClock, context: RouteContext) {
  const { query } = context;
  const errors = new FieldErrors();
  const types = queryEnumList(query, 'type', IMAGE_TYPES, errors);
  const statuses = queryEnumList(query, 'status', IMAGE_STATUSES, errors);
  const architectures = queryEnumList(query, 'architecture', ARCHITECTURES, errors);
  const boundTo = queryIntList(query, 'bound_to', errors);
  const includeDeprecated = queryBoolean(query, 'include_deprecated', errors) ?? false;
  const name = query.get('name');
  const selector = queryLabelSelector(query, errors);
  const sort = parseSort(query, IMAGE_SORT_FIELDS, errors);
  const pageRequest = parsePageRequest(query, errors);
  errors.throwIfAny();

  const nowMs = clock.nowMs();
  const matching: FakeImageRecord[] = [];
  for (const image of state.images.values()) {
    if (!state.isImageVisible(image, context.projectId)) continue;
    if (types.length > 0 && !types.includes(image.type)) continue;
    if (statuses.length > 0 && !statuses.includes(image.status)) continue;
    if (architectures.length > 0 && !architectures.includes(image.architecture)) continue;
    if (boundTo.length > 0 && (image.boundTo === null || !boundTo.includes(image.boundTo))) continue;
    if (!includeDeprecated && image.deprecated && image.deprecated.getTime() <= nowMs) continue;
    if (name !== null && image.name !== name) continue;
    if (selector && !matchesLabelSelector(selector, image.labels)) continue;
    matching.push(image);
  }

  const page = paginate(sortItems(matching, sort), pageRequest, { pageUrl: context.pageUrl, query });
  return {
    status: 200,
    headers: page.headers,
    body: { images: page.items.map(serializeImage), meta: page.meta },
  };
}

function updateImage(state: FakeHcloudState, context: RouteContext) {
  const image = ownedImage(state, context);
  const body = bodyObject(context.body);
  const errors = new FieldErrors();
  const description = optionalString(body, 'description', errors);
  const labels = optionalLabels(body, 'labels', errors);
  const type = optionalEnum(body, 'type', ['snapshot'] as const, errors);
  errors.throwIfAny();

  if (description !== undefined) image.description = description;
  if (labels !== undefined) image.labels = labels;
  // Converting a backup to a snapshot detaches it from its server.
  if (type === 'snapshot') {
    image.type = 'snapshot';
    image.boundTo = null;
  }
  return { status: 200, body: { image: serializeImage(image) } };
}

function deleteImage(state: FakeHcloudState, context: RouteContext) {
  const image = ownedImage(state, context);
  if (image.protection.delete) throw protectedAgainst('image deletion is protected');
  if (state.runningActionOn('image', image.id)) throw locked('image');
  state.images.delete(image.id);
  return { status: 204 };
}

function changeProtection(state: FakeHcloudState, context: RouteContext) {
  const image = ownedImage(state, context);
  const body = bodyObject(context.body);
  const errors = new FieldErrors();
  const protectDelete = optionalBoolean(body, 'delete', errors);
  errors.throwIfAny();

  const action = state.startAction({
    projectId: context.projectId,
    command: 'change_protection',
    resources: [{ id: image.id, type: 'image' }],
    durationMs: 0,
    onSuccess: () => {
      if (protectDelete !== undefined) image.protection.delete = protectDelete;
    },
  });
  // Protection changes finish at once, so the answer already shows the action's outcome.
  state.settleActions();
  return { status: 201, body: { action: serializeAction(action) } };
}

function visibleImage(state: FakeHcloudState, context: RouteContext): FakeImageRecord {
  const id = context.params.id;
  const image = state.images.get(id);
  if (!image || !state.isImageVisible(image, context.projectId)) throw notFound('image', id);
  return image;
}

/** Public images can be read by every project but changed by none. */
function ownedImage(state: FakeHcloudState, context: RouteContext): FakeImageRecord {
  const image = visibleImage(state, context);
  if (isPublicImage(image) && image.projectId !== context.projectId) {
    throw forbidden('public images cannot be changed');
  }
  return image;
}
