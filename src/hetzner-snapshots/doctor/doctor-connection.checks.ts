// The doctor's judgements of the connection to Hetzner: this server's id, the token (its rights and its age)
// and the project's request budget. Pure, like every doctor check.
import type { HcloudRateLimit, TokenCheckResult } from '../hcloud';
import {
  describeTokenAge,
  isTokenRotationDue,
  TOKEN_ROTATION_DAYS,
  TOKEN_ROTATION_STEPS,
} from '../settings/token-health';
import { formatDuration } from '../time/duration.format';
import { type DoctorCheck, fail, ok, warn } from './doctor-check';

const TOKEN_HINT =
  'Create a "Read & Write" token in the Hetzner Console (your project → Security → API Tokens) and paste it in Settings, or set HCLOUD_TOKEN.';

// ---------------------------------------------------------------------------------------------- server

export type ServerFacts =
  | { source: 'environment'; serverId: number }
  | { source: 'metadata'; serverId: number; hostname: string }
  | { source: 'none'; reason: string };

export function judgeServer(facts: ServerFacts): DoctorCheck {
  const name = 'server';
  switch (facts.source) {
    case 'environment':
      return ok(
        name,
        `Server id ${facts.serverId}, from HCLOUD_SERVER_ID (the metadata service is not asked).`,
      );
    case 'metadata':
      return ok(
        name,
        `The metadata service answered: this is server ${facts.serverId} ("${facts.hostname}").`,
      );
    case 'none':
      return fail(
        name,
        `The server id is unknown: ${facts.reason.replace(/\.$/, '')}.`,
        "Run the panel on the Hetzner Cloud server it protects, or set HCLOUD_SERVER_ID to that server's id (the number in the Hetzner Console URL).",
      );
  }
}

// ----------------------------------------------------------------------------------------------- token

export type TokenFacts =
  { present: false } | { present: true; source: 'environment' | 'settings'; result: TokenCheckResult | null };

export function judgeToken(facts: TokenFacts, serverId: number | null): DoctorCheck {
  const name = 'token';
  if (!facts.present) return fail(name, 'No Hetzner Cloud API token is set.', TOKEN_HINT);
  const from = facts.source === 'environment' ? 'HCLOUD_TOKEN' : 'Settings';
  const result = facts.result;
  if (!result || serverId === null)
    return warn(
      name,
      `A token is set (from ${from}) but was not checked: the server id is unknown.`,
      'Fix the server check first.',
    );
  switch (result.kind) {
    case 'read_write':
      return ok(
        name,
        `The token (from ${from}) is valid, Read & Write, and in the project of server ${serverId} ("${result.server.name}").`,
      );
    case 'read_only':
      return fail(
        name,
        `The token (from ${from}) is read-only: the panel cannot create or delete snapshots with it.`,
        TOKEN_HINT,
      );
    case 'unauthorized':
      return fail(
        name,
        `Hetzner rejected the token (from ${from}) as invalid or unknown; it may have been deleted or mistyped.`,
        TOKEN_HINT,
      );
    case 'wrong_project':
      return fail(
        name,
        `The token (from ${from}) is valid but belongs to another project: server ${serverId} is not in it.`,
        `Create the token in the project that holds server ${serverId}.`,
      );
    case 'unreachable':
      return fail(
        name,
        `The token (from ${from}) could not be checked: ${result.reason}`,
        "Check this server's internet connection, DNS and HCLOUD_ENDPOINT, then run doctor again.",
      );
  }
}

/** The stored token's age; past TOKEN_ROTATION_DAYS a warning with the steps to replace it without a gap. */
export function judgeTokenAge(facts: { savedAt: Date | null; now: Date }): DoctorCheck {
  const name = 'token-age';
  const age = describeTokenAge(facts.savedAt, facts.now);
  if (!isTokenRotationDue(facts.savedAt, facts.now))
    return ok(name, `The stored token was ${age}; replace it after ${TOKEN_ROTATION_DAYS} days.`);
  return warn(
    name,
    `The stored token was ${age}, more than ${TOKEN_ROTATION_DAYS}: replace it.`,
    TOKEN_ROTATION_STEPS.map((step, i) => `${i + 1}. ${step}`).join(' '),
  );
}

// ------------------------------------------------------------------------------------------ rate limit

/** Below this share of the hourly budget a busy project starts to see 429s. */
export const RATE_LIMIT_WARN_SHARE = 0.1;

export function judgeRateLimit(
  rateLimit: HcloudRateLimit | null,
  now: Date,
  spentLastHour: number | null = null,
): DoctorCheck {
  const name = 'rate-limit';
  const spent = spentLastHour === null ? '' : ` This panel spent ${spentLastHour} of them in the last hour.`;
  if (!rateLimit)
    return warn(name, `Not known: no answer from Hetzner carried the rate-limit headers.${spent}`, null);
  const { limit, remaining, resetAt } = rateLimit;
  const shared = 'shared by every server and tool using a token of this project';
  const full =
    resetAt.getTime() > now.getTime()
      ? `; full again in ${formatDuration(resetAt.getTime() - now.getTime())}`
      : '';
  const message = `${remaining} of ${limit} API requests left (${shared})${full}.${spent}`;
  if (remaining <= 0)
    return fail(
      name,
      message,
      "Wait for the budget to refill, and look for another tool using this project's tokens heavily.",
    );
  if (remaining < limit * RATE_LIMIT_WARN_SHARE)
    return warn(
      name,
      message,
      "Something else may be using this project's budget heavily; the panel waits when it runs out.",
    );
  return ok(name, message);
}
