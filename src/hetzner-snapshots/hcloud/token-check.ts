import { describeHcloudError, HcloudApiError, isHcloudError } from './hcloud-api.error';
import type { HcloudServer } from './hcloud.types';

export type TokenCheckResult =
  | { kind: 'read_write'; server: HcloudServer }
  | { kind: 'read_only'; server: HcloudServer }
  /** Unknown or invalid token. */
  | { kind: 'unauthorized' }
  /** The token is valid but this server is not in its project (GET /servers/{id} → 404). */
  | { kind: 'wrong_project' }
  /** Network error, timeout, 5xx (or anything else that says nothing about the token). */
  | { kind: 'unreachable'; reason: string };

/** The largest id the spec allows in a path (`maximum: 9007199254740991`, 2^53 - 1). */
const LARGEST_SPEC_ID = Number.MAX_SAFE_INTEGER;

/**
 * The write probe: an update of the image with the largest id the spec allows, naming no field.
 * - It is valid against the spec (ids are 1 … 2^53 - 1; every field of the body is optional), so no validating
 *   proxy refuses it and the answer depends only on the token. (`PUT /images/0` broke `minimum: 1`, and nobody
 *   knows whether the API checks the token's scope or the path first for such a request.)
 * - The API authenticates, then refuses every non-GET of a read-only token with 401 `token_readonly`, before it
 *   reads the body or looks the image up.
 * - A read-write token gets 404 `not_found`: image ids are handed out in sequence and are nowhere near 2^53 - 1.
 * - It cannot change anything, for two reasons each enough on its own: the image does not exist, and an update
 *   that names no field replaces nothing (description, labels and type change only when given). A PUT, never a
 *   DELETE or a POST, so no answer of the API can mean that something was removed or created.
 */
export const WRITE_PROBE = { method: 'PUT', path: `/images/${LARGEST_SPEC_ID}`, body: {} } as const;

export interface TokenCheckDeps {
  getServer(id: number): Promise<HcloudServer>;
  /** A write request that cannot change anything; resolves or rejects with the API's answer. */
  probeWriteAccess(): Promise<unknown>;
}

function unreachable(err: unknown): TokenCheckResult {
  return { kind: 'unreachable', reason: describeHcloudError(err) };
}

function isApiAnswer(err: unknown): err is HcloudApiError {
  return isHcloudError(err) && err.status > 0 && err.status < 500;
}

/**
 * What the token may do with this server, without changing anything on the account.
 * 1. GET /servers/{id}: 401 → unknown token; 404 → valid token of another project.
 * 2. The write probe (WRITE_PROBE): the API checks the token's permission before it looks the resource up, so a
 *    read-only token gets 401 `token_readonly` while a read-write token gets past that check and then fails on the
 *    image that does not exist (404 `not_found`, or a 400/422 about the request). Either way nothing is written.
 */
export async function checkToken(deps: TokenCheckDeps, serverId: number): Promise<TokenCheckResult> {
  let server: HcloudServer;
  try {
    server = await deps.getServer(serverId);
  } catch (err) {
    if (isApiAnswer(err) && err.status === 401) return { kind: 'unauthorized' };
    // 403 on a plain GET means the token may not even read this project.
    if (isApiAnswer(err) && err.status === 403 && err.code === 'forbidden') return { kind: 'unauthorized' };
    if (isApiAnswer(err) && err.status === 404) return { kind: 'wrong_project' };
    return unreachable(err);
  }

  try {
    await deps.probeWriteAccess();
    // A 2xx to a request on an id that cannot exist means the probe did not do what we think: do not guess.
    return {
      kind: 'unreachable',
      reason: 'The Hetzner Cloud API answered the write-permission check unexpectedly.',
    };
  } catch (err) {
    if (isApiAnswer(err)) {
      if (err.status === 401 && err.code === 'token_readonly') return { kind: 'read_only', server };
      if (err.status === 401) return { kind: 'unauthorized' };
      if (err.status === 429) return unreachable(err);
      // 404 not_found (or 400/422 about the request): permission was granted before the lookup failed.
      if (err.status === 404 || err.status === 400 || err.status === 422)
        return { kind: 'read_write', server };
    }
    return unreachable(err);
  }
}
