export interface FieldError {
  name: string;
  messages: string[];
}

/** An error the fake answers with the API's envelope: {"error":{"code","message","details"}}. */
export class FakeApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }

  toBody(): { error: { code: string; message: string; details: Record<string, unknown> } } {
    return { error: { code: this.code, message: this.message, details: this.details } };
  }
}

export const unauthorized = () => new FakeApiError(401, 'unauthorized', 'unable to authenticate');

export const tokenReadonly = () =>
  new FakeApiError(401, 'token_readonly', 'the token is only allowed to perform GET requests');

export const notFound = (resource: string, id?: number | string) =>
  new FakeApiError(
    404,
    'not_found',
    id === undefined ? `${resource} not found` : `${resource} with ID '${id}' not found`,
  );

export const methodNotAllowed = () =>
  new FakeApiError(405, 'method_not_allowed', 'the request method is not allowed');

export const jsonError = () => new FakeApiError(400, 'json_error', 'invalid JSON input in your request');

export const invalidInput = (fields: FieldError[]) => {
  const first = fields[0];
  const message = first
    ? `invalid input in field '${first.name}': ${first.messages.join(', ')}`
    : 'invalid input';
  return new FakeApiError(422, 'invalid_input', message, { fields });
};

export const uniquenessError = (field: string, message: string) =>
  new FakeApiError(409, 'uniqueness_error', message, { fields: [{ name: field }] });

export const locked = (resource: string) =>
  new FakeApiError(423, 'locked', `cannot perform operation because ${resource} is locked`);

export const protectedAgainst = (message: string) => new FakeApiError(423, 'protected', message);

export const forbidden = (message = 'insufficient permissions for this request') =>
  new FakeApiError(403, 'forbidden', message);

export const resourceLimitExceeded = () =>
  new FakeApiError(403, 'resource_limit_exceeded', 'project limit exceeded', {
    limits: [{ name: 'project_limit' }],
  });

export const resourceUnavailable = (message: string) =>
  new FakeApiError(412, 'resource_unavailable', message);

export const rateLimitExceeded = (limit: number) =>
  new FakeApiError(429, 'rate_limit_exceeded', `limit of ${limit} requests per hour reached`);

const CODE_FOR_STATUS: Record<number, string> = {
  400: 'json_error',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  410: 'deprecated_api_endpoint',
  412: 'resource_unavailable',
  422: 'invalid_input',
  423: 'locked',
  429: 'rate_limit_exceeded',
  500: 'server_error',
  503: 'unavailable',
  504: 'timeout',
};

const STATUS_FOR_CODE: Record<string, number> = {
  ...Object.fromEntries(Object.entries(CODE_FOR_STATUS).map(([status, code]) => [code, Number(status)])),
  token_readonly: 401,
  maintenance: 403,
  resource_limit_exceeded: 403,
  uniqueness_error: 409,
  service_error: 422,
  unsupported_error: 422,
  protected: 423,
};

/** The code the API uses for a status, for injected failures that give only a status. */
export function defaultCodeForStatus(status: number): string | undefined {
  return CODE_FOR_STATUS[status];
}

/** The status the API sends a code with, for injected failures that give only a code. */
export function defaultStatusForCode(code: string): number {
  return STATUS_FOR_CODE[code] ?? 500;
}
