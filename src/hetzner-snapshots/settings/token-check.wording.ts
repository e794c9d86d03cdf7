// What the admin reads after a token check: one sentence per outcome that says what is wrong and what to do.
// Pure; the outcome comes from HcloudClient.checkToken or from the server discovery before it.
import type { TokenCheckResult } from '../hcloud';

/** Everything a check can end in: the API's verdict, or a reason it could not be asked. */
export type TokenCheckOutcome =
  | TokenCheckResult
  | { kind: 'not_on_hetzner'; reason: string }
  | { kind: 'no_token' }
  | { kind: 'undecryptable'; reason: string };

export type TokenCheckKind = TokenCheckOutcome['kind'];

export function describeTokenCheck(outcome: TokenCheckOutcome, serverId: number | null): string {
  const server = serverId ? `server ${serverId}` : 'this server';
  switch (outcome.kind) {
    case 'read_write':
      return `The token works: it can read and write, and it sees this server (${outcome.server.name}, id ${outcome.server.id}).`;
    case 'read_only':
      return 'This token is read-only, but the panel must create and delete snapshots. Create a Read & Write token in the Hetzner Console under Security → API Tokens and paste that one.';
    case 'unauthorized':
      return 'Hetzner does not know this token: it may be mistyped, incomplete or deleted. Copy it again from the Hetzner Console (Security → API Tokens), or create a new Read & Write token there.';
    case 'wrong_project':
      return `This token belongs to another project: ${server} (the one this panel runs on) is not in it. Create the token in the project that holds this server.`;
    case 'unreachable':
      return `The token could not be checked. ${outcome.reason}`;
    case 'not_on_hetzner':
      return `The token could not be checked, because the panel does not know which server it runs on: ${outcome.reason}`;
    case 'no_token':
      return 'No API token is set: paste a Read & Write token in Settings, or run "snapshot-panel token set".';
    case 'undecryptable':
      return outcome.reason;
  }
}

/** The short label shown next to the masked token for the stored check result. */
export function tokenCheckLabel(result: string | null): {
  text: string;
  badge: 'ok' | 'warn' | 'danger' | 'muted';
} {
  switch (result) {
    case 'read_write':
      return { text: 'Read & Write', badge: 'ok' };
    case 'read_only':
      return { text: 'read-only', badge: 'danger' };
    case 'unauthorized':
      return { text: 'rejected by Hetzner', badge: 'danger' };
    case 'wrong_project':
      return { text: 'another project', badge: 'danger' };
    case 'unreachable':
    case 'not_on_hetzner':
      return { text: 'could not be checked', badge: 'warn' };
    default:
      return { text: 'not checked yet', badge: 'muted' };
  }
}

/** "••••••••abcd": enough to recognise a token, never enough to use it. */
export function maskToken(last4: string | null): string {
  return `••••••••${last4 ?? ''}`;
}

/** The last four characters kept in clear; shorter tokens keep fewer, so a short one is never shown whole. */
export function lastFour(token: string): string {
  const keep = token.length >= 16 ? 4 : Math.floor(token.length / 4);
  // slice(-0) would be the whole token.
  return keep === 0 ? '' : token.slice(-keep);
}
