import { describeHcloudError, HcloudApiError } from './hcloud-api.error';
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

export interface TokenCheckDeps {
  getServer(id: number): Promise<HcloudServer>;
  /** A write request that cannot change anything; resolves or rejects with the API's answer. */
  probeWriteAccess(): Promise<unknown>;
}

function unreachable(err: unknown): TokenCheckResult {
  return { kind: 'unreachable', reason: describeHcloudError(err) };
}

function isApiAnswer(err: unknown): err is HcloudApiError {
  return err instanceof HcloudApiError && err.status > 0 && err.status < 500;
}

/**
 * What the token may do with this server, without changing anything on the account.
 * 1. GET /servers/{id}: 401 → unknown token; 404 → valid token of another project.
 * 2. The write probe: the API checks the token's permission before it looks the resource up, so a read-only token
 *    gets 401 `token_readonly` while a read-write token gets past that check and then fails on the resource that
 *    cannot exist (404 `not_found`, or a 4xx about the id). Either way nothing is written.
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
      // 404 not_found (or 400/422 about the impossible id): permission was granted before the lookup failed.
      if (err.status === 404 || err.status === 400 || err.status === 422)
        return { kind: 'read_write', server };
    }
    return unreachable(err);
  }
}
