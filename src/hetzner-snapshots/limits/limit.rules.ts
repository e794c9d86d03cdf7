// The project's limits, as rules: is this error a limit, which limit, what to tell the admin, and are we close
// to one. Hetzner answers a create over a limit with 403 resource_limit_exceeded (details.limits[].name, and
// sometimes a number); the panel never prunes to make room and never retries it in a loop.
import { HcloudApiError } from '../hcloud';

export { describeLimitError, limitsOf, type LimitedResource } from '../hcloud/hcloud-api.error';

export function isLimitError(err: unknown): err is HcloudApiError {
  return (
    err instanceof HcloudApiError &&
    (err.code === 'resource_limit_exceeded' ||
      (/limit_exceeded$/.test(err.code) && err.code !== 'rate_limit_exceeded'))
  );
}

export interface LimitWarning {
  text: string;
  /** At the known limit or over it: the next snapshot will likely be refused. */
  refusedNext: boolean;
}

/**
 * A warning before the limit is reached: `count` snapshots now against the limit learned from the last limit
 * error (its details' number, or how many there were when it happened). Warn from one below the limit.
 */
export function nearLimitWarning(opts: { count: number; knownLimit: number | null }): LimitWarning | null {
  if (opts.knownLimit === null || opts.knownLimit <= 0) return null;
  if (opts.count < opts.knownLimit - 1) return null;
  const left = Math.max(0, opts.knownLimit - opts.count);
  const text =
    left === 0
      ? `The project holds ${opts.count} snapshots, as many as Hetzner allowed when it last refused one (${opts.knownLimit}): the next snapshot will likely be refused. Delete old snapshots or ask Hetzner to raise the limit.`
      : `The project holds ${opts.count} snapshots; Hetzner refused one at ${opts.knownLimit} before, so ${left} more fit. Delete old snapshots or ask Hetzner to raise the limit.`;
  return { text, refusedNext: left === 0 };
}
