import {
  describeHcloudError,
  HcloudActionFailedError,
  HcloudApiError,
  MetadataUnavailableError,
} from './hcloud-api.error';
import type { HcloudAction } from './hcloud.types';

const api = (
  status: number,
  code: string,
  message = `${code} message`,
  extra: Partial<ConstructorParameters<typeof HcloudApiError>[0]> = {},
) => new HcloudApiError({ status, code, message, ...extra });

describe('describeHcloudError', () => {
  const cases: [string, unknown, string][] = [
    [
      '401 unauthorized',
      api(401, 'unauthorized'),
      'The API token was rejected as invalid or unknown (it may have been deleted or mistyped); create a new one in the Hetzner Console under Security → API Tokens.',
    ],
    [
      '401 token_readonly',
      api(401, 'token_readonly'),
      'The API token is read-only; create a "Read & Write" token in the Hetzner Console (Security → API Tokens) so the panel can create and delete snapshots.',
    ],
    [
      '403 forbidden',
      api(403, 'forbidden', 'insufficient permissions'),
      'The API token is not allowed to do this (forbidden) (Hetzner said: insufficient permissions).',
    ],
    [
      '403 resource_limit_exceeded',
      api(403, 'resource_limit_exceeded'),
      'The Hetzner project has reached its limit for snapshots (Hetzner: a project limit). Delete snapshots you no longer need (the panel does not delete any to make room), or ask Hetzner support to raise the limit (Console → Limits). The panel does not retry this.',
    ],
    [
      '403 maintenance',
      api(403, 'maintenance'),
      'Hetzner Cloud is doing maintenance on this resource; try again later.',
    ],
    [
      '404 not_found',
      api(404, 'not_found', "image with ID '4711' not found"),
      "The server, snapshot or action was not found in the token's project; it may have been deleted, or the token belongs to another project (Hetzner said: image with ID '4711' not found).",
    ],
    [
      '409 conflict',
      api(409, 'conflict'),
      'The resource changed while the request was running (conflict) and retrying did not help; try again in a moment.',
    ],
    [
      '409 uniqueness_error',
      api(409, 'uniqueness_error', 'name is already used'),
      'A value that must be unique is already in use (uniqueness_error) (Hetzner said: name is already used).',
    ],
    [
      '412 resource_unavailable',
      api(412, 'resource_unavailable', 'unavailable during maintenance.'),
      'The resource is currently unavailable and the precondition for this request failed (resource_unavailable), for example during maintenance; try again later (Hetzner said: unavailable during maintenance).',
    ],
    [
      '422 invalid_input',
      api(422, 'invalid_input', "invalid input in field 'labels'"),
      "The Hetzner Cloud API rejected the request as invalid (invalid_input) (Hetzner said: invalid input in field 'labels').",
    ],
    [
      '423 locked',
      api(423, 'locked'),
      'The server or snapshot is busy with another action (locked); it can be tried again once that action finishes.',
    ],
    [
      '423 protected',
      api(423, 'protected'),
      'The snapshot is protected against deletion; remove its protection first.',
    ],
    [
      '429 with reset',
      api(429, 'rate_limit_exceeded', 'x', { rateLimitResetAt: new Date('2026-05-11T10:20:00Z') }),
      'The Hetzner Cloud API request budget (shared by every server in the project that uses its tokens) is used up; it is full again at 10:20:00 UTC.',
    ],
    [
      '429 without reset',
      api(429, 'rate_limit_exceeded'),
      'The Hetzner Cloud API request budget (shared by every server in the project that uses its tokens) is used up; try again in a few minutes.',
    ],
    [
      '500',
      api(500, 'server_error'),
      'The Hetzner Cloud API had a problem on its side (HTTP 500, server_error); try again later and see status.hetzner.com.',
    ],
    [
      '503',
      api(503, 'unavailable'),
      'The Hetzner Cloud API had a problem on its side (HTTP 503, unavailable); try again later and see status.hetzner.com.',
    ],
    [
      '504 without body',
      api(504, 'http_504'),
      'The Hetzner Cloud API had a problem on its side (HTTP 504); try again later and see status.hetzner.com.',
    ],
    [
      'timeout',
      api(0, 'timeout'),
      "The Hetzner Cloud API did not answer in time; check this server's internet connection and try again later.",
    ],
    [
      'network error',
      api(0, 'network_error', 'x', { networkCode: 'ENOTFOUND' }),
      "Could not reach the Hetzner Cloud API (ENOTFOUND); check this server's internet connection and DNS.",
    ],
    [
      'unknown status',
      api(418, 'teapot', 'short and stout'),
      'The Hetzner Cloud API answered HTTP 418 (teapot) (Hetzner said: short and stout).',
    ],
    ['abort', new DOMException('aborted', 'AbortError'), 'The operation was cancelled before it finished.'],
    [
      'caller timeout signal',
      new DOMException('timed out', 'TimeoutError'),
      'The operation was given up because it took longer than allowed.',
    ],
    ['other error', new Error('boom'), 'Unexpected error: boom'],
    ['not an error', 'boom', 'Unexpected error: boom'],
  ];

  test.each(cases)('%s', (_name, err, sentence) => {
    expect(describeHcloudError(err)).toBe(sentence);
  });

  test('action failed', () => {
    const action: HcloudAction = {
      id: 13,
      command: 'create_image',
      status: 'error',
      progress: 40,
      started: '2026-05-11T10:00:00Z',
      finished: '2026-05-11T10:05:00Z',
      resources: [{ id: 42, type: 'server' }],
      error: { code: 'action_failed', message: 'Action failed' },
    };
    const err = new HcloudActionFailedError(action);
    expect(err.code).toBe('action_failed');
    expect(err.message).toBe('Action 13 (create_image) failed: Action failed (action_failed)');
    expect(describeHcloudError(err)).toBe(
      'Hetzner reported that the create_image action (id 13) failed: Action failed (action_failed).',
    );
  });

  test('metadata unavailable passes its own message through', () => {
    const err = new MetadataUnavailableError('http://169.254.169.254/hetzner/v1/metadata');
    expect(describeHcloudError(err)).toBe(err.message);
  });
});

test('HcloudApiError is an Error with name, status, code and only the defined fields', () => {
  const err = api(423, 'locked', 'server is locked');
  expect(err).toBeInstanceOf(Error);
  expect(err.name).toBe('HcloudApiError');
  expect(JSON.parse(JSON.stringify(err))).toEqual({ name: 'HcloudApiError', status: 423, code: 'locked' });
});
