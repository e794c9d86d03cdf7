// The vocabulary of retention: the policy an admin saves, a snapshot as retention sees it, and the plan it
// returns, one decision with a reason per snapshot. Types only.

export interface RetentionTiers {
  hourly: number;
  daily: number;
  weekly: number;
  monthly: number;
}

export interface RetentionPolicy {
  /** 1..365: delete automatic snapshots older than this. */
  retentionDays: number;
  /** >= 1: always keep the newest K automatic snapshots. */
  keepMin: number;
  /**
   * Optional grandfather-father-son: keep the newest per local hour for H hours, per day for D days, per ISO
   * week for W weeks, per month for M months. A snapshot kept by any tier is kept even past retentionDays.
   */
  tiers?: RetentionTiers | null;
}

export interface RetentionCandidate {
  id: number;
  /** created_from.id; null when the source server is gone. */
  serverId: number | null;
  created: Date;
  status: 'available' | 'creating' | 'unavailable' | string;
  protected: boolean;
  labels: Record<string, string>;
  type: string;
  description?: string;
}

export type KeepReason =
  | 'newest-k'
  | 'within-retention'
  | 'tier-hourly'
  | 'tier-daily'
  | 'tier-weekly'
  | 'tier-monthly'
  | 'protected'
  | 'not-available'
  | 'not-automatic'
  | 'other-server'
  | 'server-label-mismatch'
  | 'not-snapshot'
  | 'listing-incomplete'
  | 'future-date';
export type DeleteReason = 'past-retention';

export interface RetentionDecision {
  id: number;
  action: 'keep' | 'delete';
  reason: KeepReason | DeleteReason;
  /** Plain words, e.g. "older than 7 days (created 9 days ago)". */
  detail: string;
  /**
   * For automatic snapshots kept by age or tier: when it becomes deletable if nothing else changes (kept up
   * to and including that instant). null when kept indefinitely: newest K, and every non-age reason.
   */
  keepUntil: Date | null;
}

export interface RetentionPlan {
  /** One per input snapshot, in input order. */
  decisions: RetentionDecision[];
  /** Oldest first, so a run cut short has removed the oldest ones. */
  toDelete: number[];
  kept: number;
  summary: string;
}

export interface RetentionInput {
  snapshots: RetentionCandidate[];
  policy: RetentionPolicy;
  serverId: number;
  now: Date;
  /** IANA name, e.g. Europe/Berlin: tiers bucket by local time there. */
  timeZone: string;
  /** False when any page of the listing failed: a snapshot we did not see could be one we must keep. */
  listingComplete: boolean;
}
