import { CodedError } from '../../errors/coded.error';
import type { HcloudAction } from './hcloud.types';

/**
 * The Hetzner error codes the panel branches on (docs.hetzner.cloud, "Errors"), and the client's own for an
 * answer that never came or could not be read. The API may send others: `code` stays a string.
 */
export type HcloudErrorCode =
  | 'unauthorized'
  | 'token_readonly'
  | 'forbidden'
  | 'maintenance'
  | 'resource_limit_exceeded'
  | 'not_found'
  | 'conflict'
  | 'uniqueness_error'
  | 'invalid_input'
  | 'unsupported_error'
  | 'service_error'
  | 'locked'
  | 'protected'
  | 'rate_limit_exceeded'
  | 'server_error'
  | 'unavailable'
  // the client's own: no answer, or an unreadable one
  | 'network_error'
  | 'timeout'
  | 'invalid_response';

// A code whose status says it alone: a 404 without the API's envelope (a proxy's) means gone just as well.
const SAID_BY_STATUS: Partial<Record<HcloudErrorCode, number>> = { not_found: 404 };

/**
 * hcloud-go's IsError: whether `err` is a failed API request with one of `codes` (any code when none given).
 * Every branch on a Hetzner error goes through it, never through `status`/`code` comparisons of its own.
 */
export function isHcloudError(err: unknown, ...codes: HcloudErrorCode[]): err is HcloudApiError {
  if (!(err instanceof HcloudApiError)) return false;
  if (codes.length === 0) return true;
  return codes.some((code) => err.code === code || SAID_BY_STATUS[code] === err.status);
}

export interface HcloudApiErrorInit {
  /** HTTP status; 0 when no response arrived (network error or timeout). */
  status: number;
  /** The API's error code (`locked`, `token_readonly`...); `network_error` / `timeout` without a response;
   *  `http_<status>` when the body was not the API's error envelope; `invalid_response` for an unreadable 2xx. */
  code: string;
  message: string;
  details?: unknown;
  method?: string;
  path?: string;
  /** X-Correlation-Id of the response, worth quoting to Hetzner support. */
  correlationId?: string;
  /** For 429: when the rate limit budget is full again (RateLimit-Reset). */
  rateLimitResetAt?: Date;
  /** For network errors: the system error code (ECONNREFUSED, ENOTFOUND...). */
  networkCode?: string;
}

/** Any failed request to the Hetzner Cloud API. Callers branch on `status` and `code`, never on `message`. */
export class HcloudApiError extends CodedError<HcloudErrorCode | (string & {})> {
  status: number;
  details?: unknown;
  method?: string;
  path?: string;
  correlationId?: string;
  rateLimitResetAt?: Date;
  networkCode?: string;

  constructor(init: HcloudApiErrorInit) {
    super(init.code, init.message);
    this.status = init.status;
    // Only defined fields, so JSON.stringify and test equality stay tidy.
    if (init.details !== undefined) this.details = init.details;
    if (init.method !== undefined) this.method = init.method;
    if (init.path !== undefined) this.path = init.path;
    if (init.correlationId !== undefined) this.correlationId = init.correlationId;
    if (init.rateLimitResetAt !== undefined) this.rateLimitResetAt = init.rateLimitResetAt;
    if (init.networkCode !== undefined) this.networkCode = init.networkCode;
  }
}

/** An action the API accepted ended in status `error`; `code`/`message` come from `action.error`. */
export class HcloudActionFailedError extends CodedError {
  action: HcloudAction;

  constructor(action: HcloudAction) {
    const code = action.error?.code ?? 'action_failed';
    const detail = action.error?.message ?? 'no reason given';
    super(code, `Action ${action.id} (${action.command}) failed: ${detail} (${code})`);
    this.action = action;
  }
}

/** The metadata service at 169.254.169.254 did not answer: we are not on a Hetzner Cloud server. */
export class MetadataUnavailableError extends Error {
  endpoint: string;

  constructor(endpoint: string, detail?: string) {
    super(
      `not running on a Hetzner Cloud server (metadata service at ${endpoint} did not answer${detail ? `: ${detail}` : ''})` +
        " — set HCLOUD_SERVER_ID to the server's id (shown in the Hetzner Console URL) to run elsewhere.",
    );
    this.name = 'MetadataUnavailableError';
    this.endpoint = endpoint;
  }
}

function errorName(err: unknown): unknown {
  return typeof err === 'object' && err !== null && 'name' in err
    ? (err as { name: unknown }).name
    : undefined;
}

function withApiMessage(sentence: string, err: HcloudApiError): string {
  // The API's own message is specific ("image with ID '4711' not found"), so keep it in brackets.
  const msg = err.message?.trim();
  return msg ? `${sentence} (Hetzner said: ${msg.replace(/\.$/, '')}).` : `${sentence}.`;
}

function formatResetTime(at: Date): string {
  return `${at.toISOString().slice(11, 19)} UTC`;
}

function describeApiError(err: HcloudApiError): string {
  const { status, code } = err;
  if (status === 0) {
    if (code === 'timeout') {
      return "The Hetzner Cloud API did not answer in time; check this server's internet connection and try again later.";
    }
    const why = err.networkCode ? ` (${err.networkCode})` : '';
    return `Could not reach the Hetzner Cloud API${why}; check this server's internet connection and DNS.`;
  }
  switch (status) {
    case 400:
      return withApiMessage(
        `The Hetzner Cloud API could not read the panel's request (${code}), which is a bug in Snapshot Panel`,
        err,
      );
    case 401:
      if (code === 'token_readonly') {
        return 'The API token is read-only; create a "Read & Write" token in the Hetzner Console (Security → API Tokens) so the panel can create and delete snapshots.';
      }
      return 'The API token was rejected as invalid or unknown (it may have been deleted or mistyped); create a new one in the Hetzner Console under Security → API Tokens.';
    case 403:
      if (code === 'resource_limit_exceeded') {
        return describeLimitError(
          err,
          err.method === 'POST' && err.path === '/servers' ? 'server' : 'snapshot',
        );
      }
      if (code === 'maintenance') {
        return 'Hetzner Cloud is doing maintenance on this resource; try again later.';
      }
      return withApiMessage('The API token is not allowed to do this (forbidden)', err);
    case 404:
      return withApiMessage(
        "The server, snapshot or action was not found in the token's project; it may have been deleted, or the token belongs to another project",
        err,
      );
    case 405:
      return withApiMessage(
        'The Hetzner Cloud API does not allow this request method, which is a bug in Snapshot Panel',
        err,
      );
    case 409:
      if (code === 'conflict') {
        return 'The resource changed while the request was running (conflict) and retrying did not help; try again in a moment.';
      }
      return withApiMessage(`A value that must be unique is already in use (${code})`, err);
    case 410:
      return 'The panel used an API endpoint that Hetzner has removed; update Snapshot Panel.';
    case 412:
      return withApiMessage(
        `The resource is currently unavailable and the precondition for this request failed (${code}), for example during maintenance; try again later`,
        err,
      );
    case 422:
      if (code === 'unsupported_error')
        return withApiMessage('This resource does not support that action', err);
      if (code === 'service_error')
        return withApiMessage('A Hetzner service failed while processing the request; try again later', err);
      return withApiMessage(`The Hetzner Cloud API rejected the request as invalid (${code})`, err);
    case 423:
      if (code === 'protected') {
        return 'The snapshot is protected against deletion; remove its protection first.';
      }
      return 'The server or snapshot is busy with another action (locked); it can be tried again once that action finishes.';
    case 429: {
      const when = err.rateLimitResetAt
        ? `it is full again at ${formatResetTime(err.rateLimitResetAt)}`
        : 'try again in a few minutes';
      return `The Hetzner Cloud API request budget (shared by every server in the project that uses its tokens) is used up; ${when}.`;
    }
    default:
      if (status >= 500) {
        return `The Hetzner Cloud API had a problem on its side (HTTP ${status}${code.startsWith('http_') ? '' : `, ${code}`}); try again later and see status.hetzner.com.`;
      }
      return withApiMessage(`The Hetzner Cloud API answered HTTP ${status} (${code})`, err);
  }
}

/** One sentence a person understands, for any error the client (or a wait) can throw. Never includes the token. */
export function describeHcloudError(err: unknown): string {
  if (err instanceof HcloudApiError) return describeApiError(err);
  if (err instanceof HcloudActionFailedError) {
    const msg = err.action.error?.message?.replace(/\.$/, '') ?? 'no reason given';
    return `Hetzner reported that the ${err.action.command} action (id ${err.action.id}) failed: ${msg} (${err.code}).`;
  }
  if (err instanceof MetadataUnavailableError) return err.message;
  if (errorName(err) === 'AbortError') return 'The operation was cancelled before it finished.';
  if (errorName(err) === 'TimeoutError')
    return 'The operation was given up because it took longer than allowed.';
  if (err instanceof Error) return `Unexpected error: ${err.message}`;
  return `Unexpected error: ${String(err)}`;
}

export type LimitedResource = 'snapshot' | 'server';

/** The limits named in the error's details, with the number when Hetzner gave one. */
export function limitsOf(err: HcloudApiError): { name: string; limit: number | null }[] {
  const details = err.details as
    { limits?: { name?: unknown; limit?: unknown }[]; limit?: unknown } | undefined;
  const named = (details?.limits ?? [])
    .filter((l) => typeof l?.name === 'string')
    .map((l) => ({ name: l.name as string, limit: typeof l.limit === 'number' ? l.limit : null }));
  if (named.length === 0 && typeof details?.limit === 'number')
    return [{ name: 'project_limit', limit: details.limit }];
  return named;
}

/** The sentence for a limit error: which limit, what to do; never "try again". */
export function describeLimitError(err: HcloudApiError, resource: LimitedResource): string {
  const limits = limitsOf(err);
  const which = limits.length
    ? limits.map((l) => `${l.name}${l.limit !== null ? ` (${l.limit})` : ''}`).join(', ')
    : 'a project limit';
  const what =
    resource === 'snapshot'
      ? 'The Hetzner project has reached its limit for snapshots'
      : 'The Hetzner project has reached its limit for servers, so no temporary drill server could be created';
  const todo =
    resource === 'snapshot'
      ? 'Delete snapshots you no longer need (the panel does not delete any to make room), or ask Hetzner support to raise the limit (Console → Limits).'
      : 'Delete a server you no longer need, or ask Hetzner support to raise the limit (Console → Limits).';
  return `${what} (Hetzner: ${which}). ${todo} The panel does not retry this.`;
}
