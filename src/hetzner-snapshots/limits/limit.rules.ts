// The project's limits, as rules: is this error a limit, which limit, what to tell the admin, and are we close
// to one. Hetzner answers a create over a limit with 403 resource_limit_exceeded (details.limits[].name, and
// sometimes a number); the panel never prunes to make room and never retries it in a loop.
import { HcloudApiError } from '../hcloud';

export type LimitedResource = 'snapshot' | 'server';

export function isLimitError(err: unknown): err is HcloudApiError {
  return (
    err instanceof HcloudApiError &&
    (err.code === 'resource_limit_exceeded' ||
      (/limit_exceeded$/.test(err.code) && err.code !== 'rate_limit_exceeded'))
  );
}

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

/**
 * A warning before the limit is reached: `count` snapshots now against the limit learned from the last limit
 * error (its details' number, or how many there were when it happened). Warn from one below the limit.
 */
export function nearLimitWarning(opts: { count: number; knownLimit: number | null }): string | null {
  if (opts.knownLimit === null || opts.knownLimit <= 0) return null;
  if (opts.count < opts.knownLimit - 1) return null;
  const left = Math.max(0, opts.knownLimit - opts.count);
  return left === 0
    ? `The project holds ${opts.count} snapshots, as many as Hetzner allowed when it last refused one (${opts.knownLimit}): the next snapshot will likely be refused. Delete old snapshots or ask Hetzner to raise the limit.`
    : `The project holds ${opts.count} snapshots; Hetzner refused one at ${opts.knownLimit} before, so ${left} more fit. Delete old snapshots or ask Hetzner to raise the limit.`;
}
