import { loadRequestSpec } from './fake-hcloud.request-spec';
import { FakeHcloud } from './fake-hcloud.server';
import { callFake } from './fake-hcloud.spec-helpers';

const TOKEN = 'spec-token';
const RO_TOKEN = 'spec-readonly-token';
const LARGEST_ID = 9007199254740991;

describe('fake Hetzner API: requests are checked against openapi.json', () => {
  let fake: FakeHcloud;

  beforeAll(async () => {
    fake = await FakeHcloud.start();
  });
  afterAll(() => fake.close());
  beforeEach(() => {
    fake.reset();
    fake.addToken(TOKEN);
    fake.addToken(RO_TOKEN, { mode: 'read_only' });
  });

  const call = (method: string, url: string, body?: unknown) =>
    callFake(fake, method, url, { token: TOKEN, body });

  it('refuses PUT /images/0, as a validating proxy does ("request.path.id must be >= 1")', async () => {
    const response = await call('PUT', '/v1/images/0', {});
    expect(response.status).toBe(422);
    expect(response.json).toEqual({
      error: {
        code: 'invalid_input',
        message: "invalid input in field 'id': must be >= 1",
        details: { fields: [{ name: 'id', messages: ['must be >= 1'] }] },
      },
    });
    // The request log tells these apart from the API's own 422s, so a test can assert that none came.
    expect(fake.requests.at(-1)).toMatchObject({
      path: '/v1/images/0',
      status: 422,
      specViolation: "invalid input in field 'id': must be >= 1",
    });
  });

  it('checks the token before the request: a read-only token gets token_readonly for PUT /images/0', async () => {
    const response = await callFake(fake, 'PUT', '/v1/images/0', { token: RO_TOKEN, body: {} });
    expect([response.status, response.json.error.code]).toEqual([401, 'token_readonly']);
    const unknown = await callFake(fake, 'PUT', '/v1/images/0', { token: 'nobody', body: {} });
    expect([unknown.status, unknown.json.error.code]).toEqual([401, 'unauthorized']);
  });

  it('answers the token check write probe (an empty PUT of the largest id) like the API', async () => {
    const readWrite = await call('PUT', `/v1/images/${LARGEST_ID}`, {});
    expect(fake.requests.at(-1)?.specViolation).toBeUndefined();
    expect(readWrite.status).toBe(404);
    expect(readWrite.json.error).toEqual({
      code: 'not_found',
      message: `image with ID '${LARGEST_ID}' not found`,
      details: {},
    });
    const readOnly = await callFake(fake, 'PUT', `/v1/images/${LARGEST_ID}`, { token: RO_TOKEN, body: {} });
    expect([readOnly.status, readOnly.json.error.code]).toEqual([401, 'token_readonly']);
  });

  it('checks every path parameter, under the spec names', async () => {
    const server = fake.addServer();
    const tooLarge = await call('GET', `/v1/images/${LARGEST_ID + 1}`);
    expect(tooLarge.json.error.details.fields).toEqual([
      { name: 'id', messages: [`must be <= ${LARGEST_ID}`] },
    ]);
    const action = await call('GET', `/v1/servers/${server.id}/actions/0`);
    expect(action.json.error.details.fields).toEqual([{ name: 'action_id', messages: ['must be >= 1'] }]);
  });

  it('checks query parameters against their types and enums', async () => {
    const response = await call('GET', '/v1/images?include_deprecated=maybe&sort=size&per_page=many');
    expect(response.status).toBe(422);
    expect(response.json.error.details.fields).toEqual(
      expect.arrayContaining([
        { name: 'include_deprecated', messages: ['must be boolean'] },
        { name: 'sort', messages: [expect.stringMatching(/^must be one of id, id:asc/)] },
        { name: 'per_page', messages: ['must be integer'] },
      ]),
    );
    expect((await call('GET', '/v1/images?include_deprecated=true&sort=id&sort=name:desc')).status).toBe(200);
  });

  it('checks JSON bodies: types, required fields, a required body', async () => {
    const server = fake.addServer();
    const image = fake.addImage({ serverId: server.id });
    const typed = await call('PUT', `/v1/images/${image.id}`, { description: 5, labels: { a: 1 } });
    expect(typed.json.error.details.fields).toEqual([
      { name: 'description', messages: ['must be string'] },
      { name: 'labels', messages: ['must be string'] },
    ]);
    const rebuild = await call('POST', `/v1/servers/${server.id}/actions/rebuild`, { user_data: 'x' });
    expect(rebuild.json.error.details.fields).toEqual([{ name: 'image', messages: ['is required'] }]);
    const noBody = await call('POST', `/v1/images/${image.id}/actions/change_protection`);
    expect(noBody.json.error.details.fields).toEqual([{ name: 'body', messages: ['is required'] }]);
    const notAnObject = await call('PUT', `/v1/servers/${server.id}`, ['web']);
    expect(notAnObject.json.error.details.fields).toEqual([{ name: 'body', messages: ['must be object'] }]);
    // Nothing was changed by any of them.
    expect(fake.images()[0]).toMatchObject({ description: image.description, labels: {} });
  });

  it('takes an image id as a JSON number in rebuild, as hcloud-go sends it and the API accepts', async () => {
    const server = fake.addServer();
    const system = fake.addImage({ type: 'system', serverId: null });
    const response = await call('POST', `/v1/servers/${server.id}/actions/rebuild`, { image: system.id });
    expect(response.status).toBe(201);
  });

  it('compiles the spec once per process', async () => {
    expect(await loadRequestSpec()).toBe(await loadRequestSpec());
  });
});

describe('fake Hetzner API with validateRequests: false', () => {
  it('leaves the checks to the routes, for tests that send a bad request on purpose', async () => {
    const fake = await FakeHcloud.start({ validateRequests: false });
    try {
      fake.addToken(TOKEN);
      const response = await callFake(fake, 'PUT', '/v1/images/0', { token: TOKEN, body: {} });
      expect([response.status, response.json.error.code]).toEqual([404, 'not_found']);
    } finally {
      await fake.close();
    }
  });

  it('runs without Ajv (the demo of an installed panel has no devDependencies), and says why it cannot check', async () => {
    await jest.isolateModulesAsync(async () => {
      jest.doMock('ajv', () => {
        throw new Error("Cannot find module 'ajv'");
      });
      const isolated = (await import('./fake-hcloud.server')) as typeof import('./fake-hcloud.server');
      const fake = await isolated.FakeHcloud.start({ seed: 'demo', validateRequests: false });
      try {
        const response = await callFake(fake, 'GET', '/v1/servers', { token: 'demo-token' });
        expect(response.status).toBe(200);
      } finally {
        await fake.close();
      }
      await expect(isolated.FakeHcloud.start()).rejects.toThrow(
        /cannot check requests.*validateRequests: false/,
      );
    });
  });
});
