import { RetentionPolicyError } from './retention-policy.error';
import { assertValidRetentionPolicy, type RetentionPolicy } from './retention.policy';
import { TIER_BUCKET_DAYS, TIER_NAMES, TIER_UNIT } from './retention.tiers';
import { plural } from '../wording/plural';

/**
 * How many automatic snapshots the policy holds in steady state with regular runs: every run inside
 * the retention window, then beyond it one per bucket of the finest tier still reaching that far.
 */
export function estimateRetainedCount(input: { policy: RetentionPolicy; runsPerDay: number }): number {
  const { policy, runsPerDay } = input;
  assertValidRetentionPolicy(policy);
  if (!Number.isFinite(runsPerDay) || runsPerDay < 0) {
    throw new RetentionPolicyError(
      'invalid_runs_per_day',
      `runsPerDay must be a number of at least 0, not ${runsPerDay}.`,
    );
  }
  const tiers = TIER_NAMES.filter((tier) => (policy.tiers?.[tier] ?? 0) > 0).map((tier) => ({
    reachDays: (policy.tiers?.[tier] ?? 0) * TIER_BUCKET_DAYS[tier],
    perDay: Math.min(runsPerDay, 1 / TIER_BUCKET_DAYS[tier]),
  }));

  let count = runsPerDay * policy.retentionDays;
  let from = policy.retentionDays;
  const boundaries = [...new Set(tiers.map((tier) => tier.reachDays))]
    .filter((days) => days > from)
    .sort((a, b) => a - b);
  for (const until of boundaries) {
    const perDay = Math.max(0, ...tiers.filter((tier) => tier.reachDays >= until).map((tier) => tier.perDay));
    count += (until - from) * perDay;
    from = until;
  }
  return Math.max(policy.keepMin, Math.round(count));
}

/**
 * The policy in one sentence for the settings page, e.g. "Keeps automatic snapshots for 7 days and always
 * at least the newest 3: about 28 snapshots, about 56 GB at today's sizes."
 */
export function describeRetention(
  policy: RetentionPolicy,
  opts: { runsPerDay: number; averageSizeGb?: number },
): string {
  const count = estimateRetainedCount({ policy, runsPerDay: opts.runsPerDay });
  const tierPhrases = TIER_NAMES.filter((tier) => (policy.tiers?.[tier] ?? 0) > 0).map(
    (tier) => `of each ${TIER_UNIT[tier]} for ${plural(policy.tiers?.[tier] ?? 0, TIER_UNIT[tier])}`,
  );
  const tiers = tierPhrases.length > 0 ? `, plus the newest ${joinWithAnd(tierPhrases)},` : '';
  const newest = policy.keepMin === 1 ? 'the newest one' : `the newest ${policy.keepMin}`;
  const size =
    opts.averageSizeGb !== undefined && opts.averageSizeGb > 0
      ? `, about ${formatGigabytes(count * opts.averageSizeGb)} at today's sizes`
      : '';
  return `Keeps automatic snapshots for ${plural(policy.retentionDays, 'day')}${tiers} and always at least ${newest}: about ${plural(count, 'snapshot')}${size}.`;
}

function joinWithAnd(parts: string[]): string {
  return parts.length <= 1
    ? parts.join('')
    : `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
}

/** "4.5 GB", "56 GB", "1.2 TB" */
/** A rough total: GB, or TB from 1,000 GB, one decimal under 10. */
export function formatGigabytes(gb: number): string {
  if (gb >= 1000) return `${Number((gb / 1000).toFixed(1))} TB`;
  if (gb < 10) return `${Number(gb.toFixed(1))} GB`;
  return `${Math.round(gb)} GB`;
}
