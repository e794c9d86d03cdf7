import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { FakeClock } from './fake-hcloud.clock';
import { apiRoutes } from './fake-hcloud.routes';
import { FakeHcloud } from './fake-hcloud.server';
import { callFake, FakeCallOptions, FakeCallResult } from './fake-hcloud.spec-helpers';
import { FakeHcloudState } from './fake-hcloud.state';

const SPEC_FILE = path.resolve(__dirname, '../../../shared/hcloud/openapi.json');
const HOUR_MS = 3_600_000;

type Method = 'get' | 'post' | 'put' | 'delete';

interface ConformanceCase {
  name: string;
  method: Method;
  /** The operation's path as the spec writes it, e.g. `/images/{id}`. */
  specPath: string;
  status: number;
  call: () => Promise<FakeCallResult>;
}

describe('fake Hetzner API conforms to openapi.json', () => {
  const spec = loadSpec();
  const ajv = buildAjv(spec);
  const validators = new Map<string, ValidateFunction>();

  let fake: FakeHcloud;
  const ids = { server: 0, otherServer: 0, image: 0, protectedImage: 0, foreignImage: 0, deletable: 0 };
  const actionIds = { succeeded: 0, failed: 0 };

  beforeAll(async () => {
    fake = await FakeHcloud.start({ actionDurationMs: HOUR_MS });
    fake.addToken('rw');
    fake.addToken('ro', { mode: 'read_only' });
    const otherProject = fake.addProject();
    fake.addToken('other', { projectId: otherProject });

    const system = fake.addImage({ type: 'system', name: 'ubuntu-24.04', serverId: null });
    const server = fake.addServer({ name: 'web-1' });
    server.imageId = system.id;
    ids.server = server.id;
    ids.otherServer = fake.addServer({ name: 'web-2' }).id;
    ids.image = fake.addImage({ serverId: server.id, labels: { 'managed-by': 'snapshot-panel' } }).id;
    ids.protectedImage = fake.addImage({ serverId: server.id, protected: true }).id;
    ids.deletable = fake.addImage({ serverId: server.id }).id;
    ids.foreignImage = fake.addImage({ projectId: otherProject, serverId: null }).id;
    fake.addImages(30, { serverId: server.id });

    // One action that succeeded and one that failed.
    const succeeding = await callFake(fake, 'POST', `/v1/servers/${ids.otherServer}/actions/poweroff`, { token: 'rw' });
    fake.advance(HOUR_MS);
    fake.failActionsNext(1);
    const failing = await callFake(fake, 'POST', `/v1/servers/${ids.otherServer}/actions/poweron`, { token: 'rw' });
    fake.advance(HOUR_MS);
    actionIds.succeeded = succeeding.json.action.id;
    actionIds.failed = failing.json.action.id;
  });

  afterAll(() => fake.close());

  const rw = (method: string, url: string, options: FakeCallOptions = {}) =>
    callFake(fake, method, url, { token: 'rw', ...options });

  const cases: ConformanceCase[] = [
    // Servers
    { name: 'list servers', method: 'get', specPath: '/servers', status: 200, call: () => rw('GET', '/v1/servers?sort=name:desc') },
    { name: 'get server', method: 'get', specPath: '/servers/{id}', status: 200, call: () => rw('GET', `/v1/servers/${ids.server}`) },
    { name: 'get server of another project', method: 'get', specPath: '/servers/{id}', status: 404, call: () => callFake(fake, 'GET', `/v1/servers/${ids.server}`, { token: 'other' }) },
    { name: 'list servers with a bad status', method: 'get', specPath: '/servers', status: 422, call: () => rw('GET', '/v1/servers?status=flying') },
    { name: 'list server actions', method: 'get', specPath: '/servers/{id}/actions', status: 200, call: () => rw('GET', `/v1/servers/${ids.otherServer}/actions`) },
    { name: 'get server action (deprecated)', method: 'get', specPath: '/servers/{id}/actions/{action_id}', status: 200, call: () => rw('GET', `/v1/servers/${ids.otherServer}/actions/${actionIds.succeeded}`) },
    { name: 'get action of another server (deprecated)', method: 'get', specPath: '/servers/{id}/actions/{action_id}', status: 404, call: () => rw('GET', `/v1/servers/${ids.server}/actions/${actionIds.succeeded}`) },
    // Server actions
    { name: 'create image while the server is locked', method: 'post', specPath: '/servers/{id}/actions/create_image', status: 423, call: async () => {
      await startSnapshot();
      return rw('POST', `/v1/servers/${ids.server}/actions/create_image`, { body: {} });
    } },
    { name: 'create image with a bad type', method: 'post', specPath: '/servers/{id}/actions/create_image', status: 422, call: () => rw('POST', `/v1/servers/${ids.otherServer}/actions/create_image`, { body: { type: 'system' } }) },
    { name: 'create image with a read-only token', method: 'post', specPath: '/servers/{id}/actions/create_image', status: 401, call: () => callFake(fake, 'POST', `/v1/servers/${ids.server}/actions/create_image`, { token: 'ro', body: {} }) },
    { name: 'create image over the snapshot limit', method: 'post', specPath: '/servers/{id}/actions/create_image', status: 403, call: async () => {
      fake.setSnapshotLimit(1, 1);
      try { return await rw('POST', `/v1/servers/${ids.otherServer}/actions/create_image`, { body: {} }); } finally { fake.setSnapshotLimit(1, null); }
    } },
    { name: 'create image', method: 'post', specPath: '/servers/{id}/actions/create_image', status: 201, call: () => rw('POST', `/v1/servers/${ids.otherServer}/actions/create_image`, { body: { description: 'x' } }) },
    { name: 'rebuild from an image still being created', method: 'post', specPath: '/servers/{id}/actions/rebuild', status: 412, call: () => {
      const creating = fake.images().find((image) => image.status === 'creating');
      return rw('POST', `/v1/servers/${ids.otherServer}/actions/rebuild`, { body: { image: String(creating?.id) } });
    } },
    { name: 'rebuild without an image', method: 'post', specPath: '/servers/{id}/actions/rebuild', status: 422, call: () => rw('POST', `/v1/servers/${ids.otherServer}/actions/rebuild`, { body: {} }) },
    { name: 'poweroff with an unknown server', method: 'post', specPath: '/servers/{id}/actions/poweroff', status: 404, call: () => rw('POST', '/v1/servers/1/actions/poweroff') },
    { name: 'rebuild', method: 'post', specPath: '/servers/{id}/actions/rebuild', status: 201, call: async () => {
      fake.advance(2 * HOUR_MS);
      return rw('POST', `/v1/servers/${ids.otherServer}/actions/rebuild`, { body: { image: 'ubuntu-24.04' } });
    } },
    { name: 'poweroff', method: 'post', specPath: '/servers/{id}/actions/poweroff', status: 201, call: () => afterIdle(() => rw('POST', `/v1/servers/${ids.otherServer}/actions/poweroff`)) },
    { name: 'poweron', method: 'post', specPath: '/servers/{id}/actions/poweron', status: 201, call: () => afterIdle(() => rw('POST', `/v1/servers/${ids.otherServer}/actions/poweron`)) },
    { name: 'shutdown', method: 'post', specPath: '/servers/{id}/actions/shutdown', status: 201, call: () => afterIdle(() => rw('POST', `/v1/servers/${ids.otherServer}/actions/shutdown`)) },
    // Images
    { name: 'list images', method: 'get', specPath: '/images', status: 200, call: () => rw('GET', '/v1/images?type=snapshot&type=system&per_page=50&sort=created:desc') },
    { name: 'list images with a creating one', method: 'get', specPath: '/images', status: 200, call: async () => {
      await startSnapshot();
      return rw('GET', '/v1/images?status=creating');
    } },
    { name: 'list images with a bad label selector', method: 'get', specPath: '/images', status: 422, call: () => rw('GET', `/v1/images?label_selector=${encodeURIComponent('a in (b')}`) },
    { name: 'list images without a token', method: 'get', specPath: '/images', status: 401, call: () => callFake(fake, 'GET', '/v1/images') },
    { name: 'get image', method: 'get', specPath: '/images/{id}', status: 200, call: () => rw('GET', `/v1/images/${ids.image}`) },
    { name: 'get image of another project', method: 'get', specPath: '/images/{id}', status: 404, call: () => rw('GET', `/v1/images/${ids.foreignImage}`) },
    { name: 'update image', method: 'put', specPath: '/images/{id}', status: 200, call: () => rw('PUT', `/v1/images/${ids.image}`, { body: { description: 'new', labels: { k: 'v' } } }) },
    { name: 'update image with broken JSON', method: 'put', specPath: '/images/{id}', status: 400, call: () => rw('PUT', `/v1/images/${ids.image}`, { rawBody: '{"description":' }) },
    { name: 'update image with a bad label', method: 'put', specPath: '/images/{id}', status: 422, call: () => rw('PUT', `/v1/images/${ids.image}`, { body: { labels: { 'hetzner.cloud/x': 'y' } } }) },
    { name: 'delete protected image', method: 'delete', specPath: '/images/{id}', status: 423, call: () => rw('DELETE', `/v1/images/${ids.protectedImage}`) },
    { name: 'delete image with a read-only token', method: 'delete', specPath: '/images/{id}', status: 401, call: () => callFake(fake, 'DELETE', `/v1/images/${ids.deletable}`, { token: 'ro' }) },
    { name: 'delete image', method: 'delete', specPath: '/images/{id}', status: 204, call: () => rw('DELETE', `/v1/images/${ids.deletable}`) },
    { name: 'delete deleted image', method: 'delete', specPath: '/images/{id}', status: 404, call: () => rw('DELETE', `/v1/images/${ids.deletable}`) },
    { name: 'change protection', method: 'post', specPath: '/images/{id}/actions/change_protection', status: 201, call: () => rw('POST', `/v1/images/${ids.image}/actions/change_protection`, { body: { delete: true } }) },
    { name: 'change protection with a bad value', method: 'post', specPath: '/images/{id}/actions/change_protection', status: 422, call: () => rw('POST', `/v1/images/${ids.image}/actions/change_protection`, { body: { delete: 'yes' } }) },
    { name: 'list image actions', method: 'get', specPath: '/images/{id}/actions', status: 200, call: () => rw('GET', `/v1/images/${ids.image}/actions`) },
    { name: 'list actions of an unknown image', method: 'get', specPath: '/images/{id}/actions', status: 404, call: () => rw('GET', '/v1/images/1/actions') },
    // Actions
    { name: 'get running action', method: 'get', specPath: '/actions/{id}', status: 200, call: async () => {
      const started = await startSnapshot();
      return rw('GET', `/v1/actions/${started.json.action.id}`);
    } },
    { name: 'get succeeded action', method: 'get', specPath: '/actions/{id}', status: 200, call: () => rw('GET', `/v1/actions/${actionIds.succeeded}`) },
    { name: 'get failed action', method: 'get', specPath: '/actions/{id}', status: 200, call: () => rw('GET', `/v1/actions/${actionIds.failed}`) },
    { name: 'get action of another project', method: 'get', specPath: '/actions/{id}', status: 404, call: () => callFake(fake, 'GET', `/v1/actions/${actionIds.succeeded}`, { token: 'other' }) },
    { name: 'list actions by id', method: 'get', specPath: '/actions', status: 200, call: () => rw('GET', `/v1/actions?id=${actionIds.succeeded}&id=${actionIds.failed}`) },
    { name: 'list actions without id', method: 'get', specPath: '/actions', status: 422, call: () => rw('GET', '/v1/actions') },
    // Pricing
    { name: 'pricing', method: 'get', specPath: '/pricing', status: 200, call: () => rw('GET', '/v1/pricing') },
    // Failures that do not depend on the endpoint
    { name: 'rate limit exceeded', method: 'get', specPath: '/images', status: 429, call: async () => {
      fake.setRateLimit(1, 0);
      try { return await rw('GET', '/v1/images'); } finally { fake.setRateLimit(1, 3600); }
    } },
    { name: 'injected server error', method: 'get', specPath: '/images/{id}', status: 500, call: () => injected(`/v1/images/${ids.image}`, 500) },
    { name: 'injected unavailable', method: 'get', specPath: '/servers/{id}', status: 503, call: () => injected(`/v1/servers/${ids.server}`, 503) },
    { name: 'injected conflict', method: 'post', specPath: '/servers/{id}/actions/create_image', status: 409, call: () => injected(`/v1/servers/${ids.server}/actions/create_image`, 409, 'POST') },
    // An unknown route belongs to no operation; every operation's 4xx schema is the same error envelope.
    { name: 'unknown route', method: 'get', specPath: '/images', status: 404, call: () => rw('GET', '/v1/volcanoes') },
    { name: 'wrong method on a known route', method: 'get', specPath: '/images', status: 405, call: () => rw('PATCH', '/v1/images') },
  ];

  /** A create_image on the first server, still running when it returns. */
  async function startSnapshot(): Promise<FakeCallResult> {
    return afterIdle(() =>
      rw('POST', `/v1/servers/${ids.server}/actions/create_image`, {
        body: { type: 'snapshot', description: 'conformance', labels: { a: 'b' } },
      }),
    );
  }

  async function afterIdle(call: () => Promise<FakeCallResult>): Promise<FakeCallResult> {
    fake.advance(2 * HOUR_MS);
    return call();
  }

  function injected(url: string, status: number, method = 'GET'): Promise<FakeCallResult> {
    fake.failNext({ path: url, status, method });
    return rw(method, url);
  }

  function validatorFor(specPath: string, method: Method, status: number): ValidateFunction | null {
    const responses = spec.paths[specPath]?.[method]?.responses;
    if (!responses) throw new Error(`the spec has no ${method.toUpperCase()} ${specPath}`);
    const key = String(status) in responses ? String(status) : `${String(status)[0]}xx`;
    if (!responses[key]) throw new Error(`the spec has no ${key} response for ${method.toUpperCase()} ${specPath}`);
    if (!responses[key].content?.['application/json']) return null;
    const ref = `spec#/paths/${pointer(specPath)}/${method}/responses/${key}/content/application~1json/schema`;
    let validate = validators.get(ref);
    if (!validate) {
      validate = ajv.compile({ $ref: ref });
      validators.set(ref, validate);
    }
    return validate;
  }

  // Cases run in order on purpose: later ones build on what earlier ones did (e.g. actions that finished).
  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const response = await c.call();
    expect(response.status).toBe(c.status);
    const validate = validatorFor(c.specPath, c.method, c.status);
    if (validate === null) {
      expect(response.text).toBe('');
      return;
    }
    const valid = validate(response.json);
    if (!valid) throw new Error(`${c.name}: ${ajv.errorsText(validate.errors)}\n${response.text.slice(0, 2000)}`);
  });

  it('has a successful case for every route the fake serves', () => {
    const clock = new FakeClock();
    const routes = apiRoutes({ state: new FakeHcloudState(clock), clock, actionDurationMs: 0 });
    const covered = new Set(cases.filter((c) => c.status < 300).map((c) => `${c.method} ${c.specPath}`));
    const served = routes.map(
      (route) => `${route.method.toLowerCase()} ${route.pattern.replace(/^\/v1/, '').replace(/:(\w+)/g, (_, name: string) => `{${snakeCase(name)}}`)}`,
    );
    expect(served.filter((route) => !covered.has(route))).toEqual([]);
  });
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type OpenApiSpec = { paths: Record<string, any> } & Record<string, unknown>;

function loadSpec(): OpenApiSpec {
  const spec = JSON.parse(fs.readFileSync(SPEC_FILE, 'utf8')) as OpenApiSpec;
  dropRemovedDatacenter(spec);
  return spec;
}

/** Hetzner removed `datacenter` from server responses after this spec copy; the fake follows the API. */
function dropRemovedDatacenter(node: unknown): void {
  if (Array.isArray(node)) return node.forEach(dropRemovedDatacenter);
  if (node === null || typeof node !== 'object') return;
  const schema = node as { required?: unknown; properties?: Record<string, { deprecated?: boolean }> };
  if (Array.isArray(schema.required) && schema.properties?.datacenter?.deprecated) {
    schema.required = schema.required.filter((name) => name !== 'datacenter');
  }
  Object.values(node).forEach(dropRemovedDatacenter);
}

function buildAjv(spec: OpenApiSpec): Ajv {
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  // OpenAPI's numeric formats, which JSON Schema does not define.
  ajv.addFormat('int32', { type: 'number', validate: (n: number) => Number.isInteger(n) && Math.abs(n) < 2 ** 31 });
  ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isInteger(n) });
  ajv.addFormat('double', { type: 'number', validate: () => true });
  ajv.addFormat('float', { type: 'number', validate: () => true });
  ajv.addFormat('decimal', /^-?\d+(\.\d+)?$/);
  ajv.addSchema(spec, 'spec');
  return ajv;
}

function pointer(specPath: string): string {
  return encodeURIComponent(specPath.replace(/~/g, '~0').replace(/\//g, '~1'));
}

function snakeCase(name: string): string {
  return name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}
