import { FakeClock } from './fake-hcloud.clock';

export const DEFAULT_RATE_LIMIT = 3600;

/** Requests without a known token are limited too, in a budget of their own. */
export const ANONYMOUS_BUDGET = 'anonymous';
export type BudgetKey = number | typeof ANONYMOUS_BUDGET;

export interface RateLimitVerdict {
  allowed: boolean;
  headers: Record<string, string>;
  limit: number;
}

interface Budget {
  limit: number;
  remaining: number;
  updatedMs: number;
}

const REFILL_PER_SECOND = 1;

/** A budget of requests per project that refills one request per fake-clock second, up to its limit. */
export class FakeRateLimiter {
  private readonly budgets = new Map<BudgetKey, Budget>();

  constructor(
    private readonly clock: FakeClock,
    private readonly defaultLimit = DEFAULT_RATE_LIMIT,
  ) {}

  take(key: BudgetKey): RateLimitVerdict {
    const budget = this.refilled(key);
    const allowed = budget.remaining >= 1;
    if (allowed) budget.remaining -= 1;
    return { allowed, headers: this.headers(budget), limit: budget.limit };
  }

  /** Headers describing a budget without spending from it. */
  peek(key: BudgetKey): Record<string, string> {
    return this.headers(this.refilled(key));
  }

  set(key: BudgetKey, remaining: number, limit?: number): void {
    const budget = this.refilled(key);
    budget.limit = limit ?? budget.limit;
    budget.remaining = Math.max(0, Math.min(remaining, budget.limit));
  }

  reset(): void {
    this.budgets.clear();
  }

  private refilled(key: BudgetKey): Budget {
    const nowMs = this.clock.nowMs();
    let budget = this.budgets.get(key);
    if (!budget) {
      budget = { limit: this.defaultLimit, remaining: this.defaultLimit, updatedMs: nowMs };
      this.budgets.set(key, budget);
    }
    const elapsedSeconds = Math.max(0, nowMs - budget.updatedMs) / 1000;
    budget.remaining = Math.min(budget.limit, budget.remaining + elapsedSeconds * REFILL_PER_SECOND);
    budget.updatedMs = nowMs;
    return budget;
  }

  private headers(budget: Budget): Record<string, string> {
    const secondsUntilFull = (budget.limit - budget.remaining) / REFILL_PER_SECOND;
    return {
      'RateLimit-Limit': String(budget.limit),
      'RateLimit-Remaining': String(Math.floor(budget.remaining)),
      'RateLimit-Reset': String(Math.ceil((budget.updatedMs + secondsUntilFull * 1000) / 1000)),
    };
  }
}
