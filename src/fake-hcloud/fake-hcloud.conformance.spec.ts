import * as fs from 'node:fs';
import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { FakeClock } from './fake-hcloud.clock';
import { apiRoutes } from './fake-hcloud.routes';
import { SPEC_FILE, specPathOf, withOpenApiFormats } from './fake-hcloud.request-spec';
import { FakeHcloud } from './fake-hcloud.server';
import { callFake, FakeCallOptions, FakeCallResult } from './fake-hcloud.spec-helpers';
import { FakeHcloudState } from './fake-hcloud.state';

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

/** `operation` as the spec names it: `get /images/{id}`. */
function conformance(
  name: string,
  operation: string,
  status: number,
  call: () => Promise<FakeCallResult>,
): ConformanceCase {
  const [method, specPath] = operation.split(' ');
  return { name, method: method as Method, specPath, status, call };
}

describe('fake Hetzner API conforms to openapi.json', () => {
  const spec = loadSpec();
  const ajv = buildAjv(spec);
  const validators = new Map<string, ValidateFunction>();

  let fake: FakeHcloud;
  const ids = {
    server: 0,
    otherServer: 0,
    image: 0,
    protectedImage: 0,
    foreignImage: 0,
    deletable: 0,
    volume: 0,
    drill: 0,
  };
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
    ids.volume = fake.addVolume({ serverId: server.id, name: 'data', sizeGb: 50 }).id;

    // One action that succeeded and one that failed.
    const succeeding = await callFake(fake, 'POST', `/v1/servers/${ids.otherServer}/actions/poweroff`, {
      token: 'rw',
    });
    fake.advance(HOUR_MS);
    fake.failActionsNext(1);
    const failing = await callFake(fake, 'POST', `/v1/servers/${ids.otherServer}/actions/poweron`, {
      token: 'rw',
    });
    fake.advance(HOUR_MS);
    actionIds.succeeded = succeeding.json.action.id;
    actionIds.failed = failing.json.action.id;
  });

  afterAll(() => fake.close());

  const rw = (method: string, url: string, options: FakeCallOptions = {}) =>
    callFake(fake, method, url, { token: 'rw', ...options });

  const cases: ConformanceCase[] = [
    // Servers
    conformance('list servers', 'get /servers', 200, () => rw('GET', '/v1/servers?sort=name:desc')),
    conformance('get server', 'get /servers/{id}', 200, () => rw('GET', `/v1/servers/${ids.server}`)),
    conformance('get server of another project', 'get /servers/{id}', 404, () =>
      callFake(fake, 'GET', `/v1/servers/${ids.server}`, { token: 'other' }),
    ),
    conformance('list servers with a bad status', 'get /servers', 422, () =>
      rw('GET', '/v1/servers?status=flying'),
    ),
    conformance('list server actions', 'get /servers/{id}/actions', 200, () =>
      rw('GET', `/v1/servers/${ids.otherServer}/actions`),
    ),
    conformance('list actions of an unknown server', 'get /servers/{id}/actions', 404, () =>
      rw('GET', '/v1/servers/1/actions'),
    ),
    conformance('get server action (deprecated)', 'get /servers/{id}/actions/{action_id}', 200, () =>
      rw('GET', `/v1/servers/${ids.otherServer}/actions/${actionIds.succeeded}`),
    ),
    conformance(
      'get action of another server (deprecated)',
      'get /servers/{id}/actions/{action_id}',
      404,
      () => rw('GET', `/v1/servers/${ids.server}/actions/${actionIds.succeeded}`),
    ),
    conformance('update server', 'put /servers/{id}', 200, () =>
      rw('PUT', `/v1/servers/${ids.otherServer}`, { body: { labels: { role: 'db' } } }),
    ),
    conformance('update server to a name in use', 'put /servers/{id}', 409, () =>
      rw('PUT', `/v1/servers/${ids.otherServer}`, { body: { name: 'web-1' } }),
    ),
    conformance('update server with a bad name', 'put /servers/{id}', 422, () =>
      rw('PUT', `/v1/servers/${ids.otherServer}`, { body: { name: 'not_a_hostname' } }),
    ),
    // Creating and deleting servers (restore drills), server types, volumes
    conformance('create server from a snapshot', 'post /servers', 201, async () => {
      const created = await rw('POST', '/v1/servers', {
        body: {
          name: 'drill-1',
          server_type: 'cx22',
          image: String(ids.image),
          location: 'fsn1',
          labels: { 'managed-by': 'snapshot-panel' },
          public_net: { enable_ipv4: false, enable_ipv6: true },
        },
      });
      ids.drill = created.json?.server?.id ?? 0;
      return created;
    }),
    conformance('create server with a sold-out type', 'post /servers', 412, () =>
      rw('POST', '/v1/servers', {
        body: { name: 'drill-2', server_type: 'cpx11', image: String(ids.image), location: 'fsn1' },
      }),
    ),
    conformance('create server without a type', 'post /servers', 422, () =>
      rw('POST', '/v1/servers', { body: { name: 'drill-3', image: String(ids.image) } }),
    ),
    conformance('delete server', 'delete /servers/{id}', 200, () => rw('DELETE', `/v1/servers/${ids.drill}`)),
    conformance('delete a deleted server', 'delete /servers/{id}', 404, () =>
      rw('DELETE', `/v1/servers/${ids.drill}`),
    ),
    conformance('list server types', 'get /server_types', 200, () => rw('GET', '/v1/server_types')),
    conformance('list server types with a bad page', 'get /server_types', 422, () =>
      rw('GET', '/v1/server_types?page=0'),
    ),
    conformance('get volume', 'get /volumes/{id}', 200, () => rw('GET', `/v1/volumes/${ids.volume}`)),
    conformance('get volume of another project', 'get /volumes/{id}', 404, () =>
      callFake(fake, 'GET', `/v1/volumes/${ids.volume}`, { token: 'other' }),
    ),
    // Server actions
    conformance('change server protection', 'post /servers/{id}/actions/change_protection', 201, () =>
      rw('POST', `/v1/servers/${ids.otherServer}/actions/change_protection`, {
        body: { delete: true, rebuild: true },
      }),
    ),
    conformance('remove server protection', 'post /servers/{id}/actions/change_protection', 201, () =>
      rw('POST', `/v1/servers/${ids.otherServer}/actions/change_protection`, {
        body: { delete: false, rebuild: false },
      }),
    ),
    conformance(
      'change server protection to unequal values',
      'post /servers/{id}/actions/change_protection',
      422,
      () =>
        rw('POST', `/v1/servers/${ids.otherServer}/actions/change_protection`, {
          body: { rebuild: true },
        }),
    ),
    conformance('enable backups', 'post /servers/{id}/actions/enable_backup', 201, () =>
      afterIdle(() => rw('POST', `/v1/servers/${ids.otherServer}/actions/enable_backup`)),
    ),
    conformance('enable backups of a locked server', 'post /servers/{id}/actions/enable_backup', 423, () =>
      rw('POST', `/v1/servers/${ids.otherServer}/actions/enable_backup`),
    ),
    conformance('disable backups', 'post /servers/{id}/actions/disable_backup', 201, () =>
      afterIdle(() => rw('POST', `/v1/servers/${ids.otherServer}/actions/disable_backup`)),
    ),
    conformance(
      'disable backups of an unknown server',
      'post /servers/{id}/actions/disable_backup',
      404,
      () => rw('POST', '/v1/servers/1/actions/disable_backup'),
    ),
    conformance('get server with backups on', 'get /servers/{id}', 200, async () => {
      await afterIdle(() => rw('POST', `/v1/servers/${ids.otherServer}/actions/enable_backup`));
      return afterIdle(() => rw('GET', `/v1/servers/${ids.otherServer}`));
    }),
    conformance(
      'create image while the server is locked',
      'post /servers/{id}/actions/create_image',
      423,
      async () => {
        await startSnapshot();
        return rw('POST', `/v1/servers/${ids.server}/actions/create_image`, { body: {} });
      },
    ),
    conformance('create image with a bad type', 'post /servers/{id}/actions/create_image', 422, () =>
      rw('POST', `/v1/servers/${ids.otherServer}/actions/create_image`, { body: { type: 'system' } }),
    ),
    conformance('create image with a read-only token', 'post /servers/{id}/actions/create_image', 401, () =>
      callFake(fake, 'POST', `/v1/servers/${ids.server}/actions/create_image`, { token: 'ro', body: {} }),
    ),
    conformance(
      'create image over the snapshot limit',
      'post /servers/{id}/actions/create_image',
      403,
      async () => {
        fake.setSnapshotLimit(1, 1);
        try {
          return await rw('POST', `/v1/servers/${ids.otherServer}/actions/create_image`, { body: {} });
        } finally {
          fake.setSnapshotLimit(1, null);
        }
      },
    ),
    conformance('create image', 'post /servers/{id}/actions/create_image', 201, () =>
      rw('POST', `/v1/servers/${ids.otherServer}/actions/create_image`, { body: { description: 'x' } }),
    ),
    conformance(
      'rebuild from an image still being created',
      'post /servers/{id}/actions/rebuild',
      412,
      () => {
        const creating = fake.images().find((image) => image.status === 'creating');
        return rw('POST', `/v1/servers/${ids.otherServer}/actions/rebuild`, {
          body: { image: String(creating?.id) },
        });
      },
    ),
    conformance('rebuild without an image', 'post /servers/{id}/actions/rebuild', 422, () =>
      rw('POST', `/v1/servers/${ids.otherServer}/actions/rebuild`, { body: {} }),
    ),
    conformance('poweroff with an unknown server', 'post /servers/{id}/actions/poweroff', 404, () =>
      rw('POST', '/v1/servers/1/actions/poweroff'),
    ),
    conformance('rebuild', 'post /servers/{id}/actions/rebuild', 201, async () => {
      fake.advance(2 * HOUR_MS);
      return rw('POST', `/v1/servers/${ids.otherServer}/actions/rebuild`, {
        body: { image: 'ubuntu-24.04' },
      });
    }),
    conformance('poweroff', 'post /servers/{id}/actions/poweroff', 201, () =>
      afterIdle(() => rw('POST', `/v1/servers/${ids.otherServer}/actions/poweroff`)),
    ),
    conformance('poweron with a read-only token', 'post /servers/{id}/actions/poweron', 401, () =>
      callFake(fake, 'POST', `/v1/servers/${ids.otherServer}/actions/poweron`, { token: 'ro' }),
    ),
    conformance('shutdown of a locked server', 'post /servers/{id}/actions/shutdown', 423, async () => {
      await startSnapshot();
      return rw('POST', `/v1/servers/${ids.server}/actions/shutdown`);
    }),
    conformance('poweron', 'post /servers/{id}/actions/poweron', 201, () =>
      afterIdle(() => rw('POST', `/v1/servers/${ids.otherServer}/actions/poweron`)),
    ),
    conformance('shutdown', 'post /servers/{id}/actions/shutdown', 201, () =>
      afterIdle(() => rw('POST', `/v1/servers/${ids.otherServer}/actions/shutdown`)),
    ),
    // Images
    conformance('list images', 'get /images', 200, () =>
      rw('GET', '/v1/images?type=snapshot&type=system&per_page=50&sort=created:desc'),
    ),
    conformance('list images with a creating one', 'get /images', 200, async () => {
      await startSnapshot();
      return rw('GET', '/v1/images?status=creating');
    }),
    conformance('list images with a bad label selector', 'get /images', 422, () =>
      rw('GET', `/v1/images?label_selector=${encodeURIComponent('a in (b')}`),
    ),
    conformance('list images without a token', 'get /images', 401, () => callFake(fake, 'GET', '/v1/images')),
    conformance('get image', 'get /images/{id}', 200, () => rw('GET', `/v1/images/${ids.image}`)),
    conformance('get image of another project', 'get /images/{id}', 404, () =>
      rw('GET', `/v1/images/${ids.foreignImage}`),
    ),
    conformance('update image', 'put /images/{id}', 200, () =>
      rw('PUT', `/v1/images/${ids.image}`, { body: { description: 'new', labels: { k: 'v' } } }),
    ),
    conformance('update image with broken JSON', 'put /images/{id}', 400, () =>
      rw('PUT', `/v1/images/${ids.image}`, { rawBody: '{"description":' }),
    ),
    conformance('update image 0, which the spec forbids', 'put /images/{id}', 422, () =>
      rw('PUT', '/v1/images/0', { body: {} }),
    ),
    conformance('update image with a bad label', 'put /images/{id}', 422, () =>
      rw('PUT', `/v1/images/${ids.image}`, { body: { labels: { 'hetzner.cloud/x': 'y' } } }),
    ),
    conformance('delete protected image', 'delete /images/{id}', 423, () =>
      rw('DELETE', `/v1/images/${ids.protectedImage}`),
    ),
    conformance('delete image with a read-only token', 'delete /images/{id}', 401, () =>
      callFake(fake, 'DELETE', `/v1/images/${ids.deletable}`, { token: 'ro' }),
    ),
    conformance('delete image', 'delete /images/{id}', 204, () =>
      rw('DELETE', `/v1/images/${ids.deletable}`),
    ),
    conformance('delete deleted image', 'delete /images/{id}', 404, () =>
      rw('DELETE', `/v1/images/${ids.deletable}`),
    ),
    conformance('change protection', 'post /images/{id}/actions/change_protection', 201, () =>
      rw('POST', `/v1/images/${ids.image}/actions/change_protection`, { body: { delete: true } }),
    ),
    conformance(
      'change protection with a bad value',
      'post /images/{id}/actions/change_protection',
      422,
      () => rw('POST', `/v1/images/${ids.image}/actions/change_protection`, { body: { delete: 'yes' } }),
    ),
    conformance('list image actions', 'get /images/{id}/actions', 200, () =>
      rw('GET', `/v1/images/${ids.image}/actions`),
    ),
    conformance('list actions of an unknown image', 'get /images/{id}/actions', 404, () =>
      rw('GET', '/v1/images/1/actions'),
    ),
    // Actions
    conformance('get running action', 'get /actions/{id}', 200, async () => {
      const started = await startSnapshot();
      return rw('GET', `/v1/actions/${started.json.action.id}`);
    }),
    conformance('get succeeded action', 'get /actions/{id}', 200, () =>
      rw('GET', `/v1/actions/${actionIds.succeeded}`),
    ),
    conformance('get failed action', 'get /actions/{id}', 200, () =>
      rw('GET', `/v1/actions/${actionIds.failed}`),
    ),
    conformance('get action of another project', 'get /actions/{id}', 404, () =>
      callFake(fake, 'GET', `/v1/actions/${actionIds.succeeded}`, { token: 'other' }),
    ),
    conformance('list actions by id', 'get /actions', 200, () =>
      rw('GET', `/v1/actions?id=${actionIds.succeeded}&id=${actionIds.failed}`),
    ),
    conformance('list actions without id', 'get /actions', 422, () => rw('GET', '/v1/actions')),
    // Pricing
    conformance('pricing', 'get /pricing', 200, () => rw('GET', '/v1/pricing')),
    conformance('pricing with an unknown token', 'get /pricing', 401, () =>
      callFake(fake, 'GET', '/v1/pricing', { token: 'nope' }),
    ),
    // Failures that do not depend on the endpoint
    conformance('rate limit exceeded', 'get /images', 429, async () => {
      fake.setRateLimit(1, 0);
      try {
        return await rw('GET', '/v1/images');
      } finally {
        fake.setRateLimit(1, 3600);
      }
    }),
    conformance('injected server error', 'get /images/{id}', 500, () =>
      injected(`/v1/images/${ids.image}`, 500),
    ),
    conformance('injected unavailable', 'get /servers/{id}', 503, () =>
      injected(`/v1/servers/${ids.server}`, 503),
    ),
    conformance('injected conflict', 'post /servers/{id}/actions/create_image', 409, () =>
      injected(`/v1/servers/${ids.server}/actions/create_image`, 409, 'POST'),
    ),
    // An unknown route belongs to no operation; every operation's 4xx schema is the same error envelope.
    conformance('unknown route', 'get /images', 404, () => rw('GET', '/v1/volcanoes')),
    conformance('wrong method on a known route', 'get /images', 405, () => rw('PATCH', '/v1/images')),
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
    if (!responses[key])
      throw new Error(`the spec has no ${key} response for ${method.toUpperCase()} ${specPath}`);
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
    if (!valid)
      throw new Error(`${c.name}: ${ajv.errorsText(validate.errors)}\n${response.text.slice(0, 2000)}`);
  });

  it('has a success and an error case for every route the fake serves', () => {
    const clock = new FakeClock();
    const routes = apiRoutes({ state: new FakeHcloudState(clock), clock, actionDurationMs: 0 });
    const served = routes.map((route) => `${route.method.toLowerCase()} ${specPathOf(route.pattern)}`);
    const covered = (outcome: (status: number) => boolean) =>
      new Set(cases.filter((c) => outcome(c.status)).map((c) => `${c.method} ${c.specPath}`));
    const succeeding = covered((status) => status < 300);
    const failing = covered((status) => status >= 400);
    expect(served.filter((route) => !succeeding.has(route))).toEqual([]);
    expect(served.filter((route) => !failing.has(route))).toEqual([]);
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
  // OpenAPI's numeric formats as the request check reads them, then the one only answers use.
  withOpenApiFormats(ajv);
  ajv.addFormat('decimal', /^-?\d+(\.\d+)?$/);
  ajv.addSchema(spec, 'spec');
  return ajv;
}

function pointer(specPath: string): string {
  return encodeURIComponent(specPath.replace(/~/g, '~0').replace(/\//g, '~1'));
}
