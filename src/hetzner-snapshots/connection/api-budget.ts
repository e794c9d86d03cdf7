// How much of the project's shared request budget is left, and what may still spend from it: pure, so the
// rules are table-tested. Cycles always run (a snapshot matters more than a fresh page); background work
// (the label backfill, prices) waits while the budget is low, and the snapshots page refreshes less often.
import type { HcloudRateLimit } from '../hcloud';

/** The project's budget refills one request per second (Hetzner's documented rate), up to its limit. */
const REFILL_PER_SECOND = 1;
/** Below this share of the limit the budget is "low": background work waits, the page refreshes every 5 min. */
export const LOW_BUDGET_SHARE = 0.2;
/** Below this share it is "critical": the page refreshes every 15 min, leaving the rest to the cycles. */
export const CRITICAL_BUDGET_SHARE = 0.1;

export type BudgetPressure = 'unknown' | 'ok' | 'low' | 'critical';

export interface SeenRateLimit extends HcloudRateLimit {
  /** When the answer carrying it arrived. */
  seenAt: Date;
}

/** What is probably left now: the last value seen, refilled since, never above the limit. */
export function estimateRemaining(seen: SeenRateLimit | null, now: Date): number | null {
  if (!seen) return null;
  if (now.getTime() >= seen.resetAt.getTime()) return seen.limit;
  const refilled =
    Math.max(0, Math.floor((now.getTime() - seen.seenAt.getTime()) / 1000)) * REFILL_PER_SECOND;
  return Math.min(seen.limit, seen.remaining + refilled);
}

export function budgetPressure(seen: SeenRateLimit | null, now: Date): BudgetPressure {
  const remaining = estimateRemaining(seen, now);
  if (remaining === null || !seen || seen.limit <= 0) return 'unknown';
  if (remaining < seen.limit * CRITICAL_BUDGET_SHARE) return 'critical';
  if (remaining < seen.limit * LOW_BUDGET_SHARE) return 'low';
  return 'ok';
}

/** Whether work nobody waits for (label backfill, prices) may spend requests now. */
export function backgroundMayRun(pressure: BudgetPressure): boolean {
  return pressure === 'ok' || pressure === 'unknown';
}

/** How old the snapshots page's cached list may grow before a view asks Hetzner again. */
export function listMaxAgeMs(pressure: BudgetPressure, normalMs: number): number {
  if (pressure === 'critical') return Math.max(normalMs, 15 * 60_000);
  if (pressure === 'low') return Math.max(normalMs, 5 * 60_000);
  return normalMs;
}

/** How often a page with a snapshot being created looks again (seconds): less often while the budget is low. */
export function pageRefreshSeconds(pressure: BudgetPressure, normalSeconds: number): number {
  if (pressure === 'critical') return Math.max(normalSeconds, 300);
  if (pressure === 'low') return Math.max(normalSeconds, 60);
  return normalSeconds;
}

/** One line for a person: what is left and what this panel spent. */
export function describeBudget(input: {
  seen: SeenRateLimit | null;
  now: Date;
  spentLastHour: number;
}): string {
  const spent = `this panel spent ${input.spentLastHour} in the last hour`;
  const remaining = estimateRemaining(input.seen, input.now);
  if (remaining === null || !input.seen) return `API budget not known yet; ${spent}.`;
  return `About ${remaining} of ${input.seen.limit} API requests left this hour (shared by the whole project); ${spent}.`;
}
