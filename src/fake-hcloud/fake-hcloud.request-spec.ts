// Checks each /v1 request against its operation in the vendored openapi.json (path and query parameters, JSON
// body) before a route sees it, as a validating proxy in front of the API does, so a test catches a client that
// sends what the spec does not allow (e.g. `PUT /images/0`: "request.path.id must be >= 1").
// Test-time only: the spec and Ajv (a devDependency) are loaded on first use, once per process, and each
// operation's validators are compiled once, on its first request. The demo runs the fake without it.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type Ajv from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { FakeApiError } from './fake-hcloud.errors';
import { FieldErrors } from './fake-hcloud.validation';
import type { Route } from './fake-hcloud.router';
import { PROJECT_ROOT } from '../project-root';

export const SPEC_FILE = path.resolve(PROJECT_ROOT, 'vendor/hcloud/openapi.json');

/** What of a request the spec describes; `params` are the path parameters under the route's names. */
export interface SpecCheckedRequest {
  params: Record<string, number>;
  query: URLSearchParams;
  body: unknown;
}

interface SpecParameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: JsonSchema;
}

interface SpecOperation {
  parameters?: SpecParameter[];
  requestBody?: { required?: boolean; content?: Record<string, { schema?: JsonSchema }> };
}

type JsonSchema = Record<string, unknown>;

interface OpenApiSpec {
  paths: Record<string, Record<string, SpecOperation>>;
}

interface CompiledOperation {
  /** Route parameter name → the spec's (`actionId` → `action_id`). */
  pathNames: [string, string][];
  arrayQueryNames: Set<string>;
  queryNames: string[];
  params: ValidateFunction;
  body: ValidateFunction | null;
  bodyRequired: boolean;
}

/** The spec's request schemas for the routes the fake serves. */
export class RequestSpec {
  /** By `METHOD pattern`: every fake builds its own Route objects, and they share these validators. */
  private readonly compiled = new Map<string, CompiledOperation>();

  constructor(
    private readonly spec: OpenApiSpec,
    private readonly paramsAjv: Ajv,
    private readonly bodyAjv: Ajv,
  ) {}

  /** Fails at start-up for a route the spec has no operation for: the fake serves only what the API has. */
  assertCovers(routes: readonly Route[]): void {
    const missing = routes.filter((route) => !this.operationOf(route)).map(describeRoute);
    if (missing.length > 0) throw new Error(`fake-hcloud: not in openapi.json: ${missing.join(', ')}`);
  }

  /** Throws 422 invalid_input naming every parameter and body field that breaks the operation's schemas. */
  check(route: Route, request: SpecCheckedRequest): void {
    const operation = this.compile(route);
    const errors = new FieldErrors();

    const values: Record<string, unknown> = {};
    for (const [routeName, specName] of operation.pathNames) values[specName] = request.params[routeName];
    for (const name of operation.queryNames) {
      if (!request.query.has(name)) continue;
      values[name] = operation.arrayQueryNames.has(name)
        ? request.query.getAll(name)
        : request.query.get(name);
    }
    if (!operation.params(values)) addErrors(errors, operation.params.errors, null);

    if (operation.body) {
      if (request.body === undefined) {
        if (operation.bodyRequired) errors.add('body', 'is required');
      } else if (!operation.body(request.body)) addErrors(errors, operation.body.errors, 'body');
    }
    const error = errors.toError();
    if (error) throw new SpecViolation(error);
  }

  private operationOf(route: Route): SpecOperation | undefined {
    return this.spec.paths[specPathOf(route.pattern)]?.[route.method.toLowerCase()];
  }

  private compile(route: Route): CompiledOperation {
    const key = `${route.method} ${route.pattern}`;
    const existing = this.compiled.get(key);
    if (existing) return existing;
    const operation = this.operationOf(route);
    if (!operation) throw new Error(`fake-hcloud: not in openapi.json: ${describeRoute(route)}`);

    const parameters = (operation.parameters ?? []).filter((p) => p.in === 'path' || p.in === 'query');
    const query = parameters.filter((p) => p.in === 'query');
    const paramsSchema = {
      type: 'object',
      properties: Object.fromEntries(parameters.map((p) => [p.name, p.schema ?? {}])),
      required: parameters.filter((p) => p.required).map((p) => p.name),
    };
    const bodySchema = operation.requestBody?.content?.['application/json']?.schema;
    const compiled: CompiledOperation = {
      pathNames: [...route.pattern.matchAll(/:(\w+)/g)].map((match) => [match[1], snakeCase(match[1])]),
      queryNames: query.map((p) => p.name),
      arrayQueryNames: new Set(query.filter((p) => p.schema?.type === 'array').map((p) => p.name)),
      params: this.paramsAjv.compile(paramsSchema),
      body: bodySchema ? this.bodyAjv.compile(bodySchema) : null,
      bodyRequired: operation.requestBody?.required === true,
    };
    this.compiled.set(key, compiled);
    return compiled;
  }
}

/** The API's 422 invalid_input, marked as coming from the spec check (the request log says so). */
export class SpecViolation extends FakeApiError {
  constructor(error: FakeApiError) {
    super(error.status, error.code, error.message, error.details);
  }
}

let loading: Promise<RequestSpec> | undefined;

/** The one RequestSpec of this process; the first call reads the spec and loads Ajv. */
export function loadRequestSpec(): Promise<RequestSpec> {
  loading ??= createRequestSpec().catch((error: unknown) => {
    loading = undefined;
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(
      `fake-hcloud: cannot check requests against ${SPEC_FILE} (${reason}); ` +
        'it needs the devDependencies and vendor/hcloud, or start the fake with validateRequests: false',
    );
  });
  return loading;
}

async function createRequestSpec(): Promise<RequestSpec> {
  const { default: AjvClass } = await import('ajv');
  const spec = JSON.parse(await fs.promises.readFile(SPEC_FILE, 'utf8')) as OpenApiSpec;
  acceptIdsAsNumbers(spec);
  // Query strings and path segments are text: coerce them to the schema's types (and lone values to arrays).
  const paramsAjv = withOpenApiFormats(
    new AjvClass({ strict: false, allErrors: true, coerceTypes: 'array' }),
  );
  // A JSON body must already have the right types: `"5"` is no integer.
  const bodyAjv = withOpenApiFormats(new AjvClass({ strict: false, allErrors: true }));
  return new RequestSpec(spec, paramsAjv, bodyAjv);
}

// "ID or name" fields are strings in the spec, but hcloud-go (and so the hcloud CLI) sends an ID as a JSON number
// and the API takes it: `server rebuild --image 123` sends {"image":123}.
const ID_OR_NAME_FIELDS = [{ path: '/servers/{id}/actions/rebuild', method: 'post', field: 'image' }];

function acceptIdsAsNumbers(spec: OpenApiSpec): void {
  for (const { path: specPath, method, field } of ID_OR_NAME_FIELDS) {
    const schema = spec.paths[specPath]?.[method]?.requestBody?.content?.['application/json']?.schema;
    const properties = schema?.properties as Record<string, JsonSchema> | undefined;
    if (properties?.[field]?.type !== 'string')
      throw new Error(`openapi.json changed at ${method} ${specPath}`);
    properties[field] = { ...properties[field], type: ['string', 'integer'] };
  }
}

/** OpenAPI's numeric formats, which JSON Schema does not define; other formats are not checked on requests. */
export function withOpenApiFormats(ajv: Ajv): Ajv {
  ajv.addFormat('int32', {
    type: 'number',
    validate: (n: number) => Number.isInteger(n) && Math.abs(n) < 2 ** 31,
  });
  ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isInteger(n) });
  ajv.addFormat('double', { type: 'number', validate: () => true });
  ajv.addFormat('float', { type: 'number', validate: () => true });
  return ajv;
}

/** Ajv's errors as the API's `details.fields`: the top-level field's name and a short message. */
function addErrors(
  errors: FieldErrors,
  ajvErrors: ErrorObject[] | null | undefined,
  root: string | null,
): void {
  for (const error of ajvErrors ?? []) {
    const [first] = error.instancePath.split('/').filter(Boolean);
    const missing =
      error.keyword === 'required'
        ? (error.params as { missingProperty: string }).missingProperty
        : undefined;
    const name = first ?? missing ?? root ?? 'query';
    const message =
      error.keyword === 'required'
        ? 'is required'
        : error.keyword === 'enum'
          ? `must be one of ${(error.params as { allowedValues: unknown[] }).allowedValues.join(', ')}`
          : (error.message ?? 'is invalid');
    errors.add(name, message);
  }
}

/** `/v1/servers/:id/actions/:actionId` → `/servers/{id}/actions/{action_id}` */
export function specPathOf(pattern: string): string {
  return pattern.replace(/^\/v1/, '').replace(/:(\w+)/g, (_, name: string) => `{${snakeCase(name)}}`);
}

function snakeCase(name: string): string {
  return name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

function describeRoute(route: Route): string {
  return `${route.method} ${specPathOf(route.pattern)}`;
}
