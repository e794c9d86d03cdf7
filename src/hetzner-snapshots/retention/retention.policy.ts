// Which snapshots retention deletes now: takes the listing, the policy and the clock, returns a plan with a
// reason per snapshot. Pure (no I/O, no NestJS); the scheduler only carries the plan out. Everything that
// is not provably an old automatic snapshot of this server is kept: doubt always resolves to "keep".
import { IANAZone } from 'luxon';
import { RetentionPolicyError } from './retention-policy.error';
import { summarizePlan } from './retention.summary';
import { TIER_NAMES, TIER_UNIT, tierLocator, type TierName } from './retention.tiers';
import { plural } from '../wording/plural';
import { formatDuration } from '../time/duration.format';
import {
  PANEL_LABEL,
  PANEL_LABEL_VALUE,
  SERVER_LABEL,
  serverLabelOf,
  snapshotOrigin,
  type SnapshotOrigin,
} from '../labels/snapshot-labels';

import type {
  KeepReason,
  RetentionCandidate,
  RetentionDecision,
  RetentionInput,
  RetentionPlan,
  RetentionPolicy,
  RetentionTiers,
} from './retention.types';

// The vocabulary of a plan lives in retention.types.ts; every reader of a plan imports it from here.
export type * from './retention.types';

const DAY_MS = 86_400_000;
const TIER_REASON: Record<TierName, KeepReason> = {
  hourly: 'tier-hourly',
  daily: 'tier-daily',
  weekly: 'tier-weekly',
  monthly: 'tier-monthly',
};

/** Throws RetentionPolicyError('invalid_policy') naming the first bad field. */
export function assertValidRetentionPolicy(policy: RetentionPolicy): void {
  const fail = (message: string): never => {
    throw new RetentionPolicyError('invalid_policy', message);
  };
  if (!isWholeNumberIn(policy?.retentionDays, 1, 365)) {
    fail(`retentionDays must be a whole number from 1 to 365, not ${String(policy?.retentionDays)}.`);
  }
  if (!isWholeNumberIn(policy.keepMin, 1, Number.MAX_SAFE_INTEGER)) {
    fail(`keepMin must be a whole number of at least 1, not ${String(policy.keepMin)}.`);
  }
  if (policy.tiers != null) {
    for (const tier of TIER_NAMES) {
      if (!isWholeNumberIn(policy.tiers[tier], 0, Number.MAX_SAFE_INTEGER)) {
        fail(`tiers.${tier} must be a whole number of at least 0, not ${String(policy.tiers[tier])}.`);
      }
    }
  }
}

export function planRetention(input: RetentionInput): RetentionPlan {
  const { snapshots, policy, serverId, now, timeZone } = input;
  assertValidRetentionPolicy(policy);
  if (!IANAZone.isValidZone(timeZone)) {
    throw new RetentionPolicyError('invalid_time_zone', `"${timeZone}" is not a known IANA time zone.`);
  }
  if (!(now instanceof Date) || Number.isNaN(now.getTime())) {
    throw new RetentionPolicyError('invalid_clock', 'The current time is not a valid date.');
  }

  const doubt = listingDoubt(input);
  if (doubt !== null) {
    const decisions = snapshots.map((snapshot) => keep(snapshot.id, 'listing-incomplete', doubt, null));
    const summary = `The snapshot list may be incomplete, so nothing is deleted this run (${plural(decisions.length, 'snapshot')} kept).`;
    return { decisions, toDelete: [], kept: decisions.length, summary };
  }

  const decisions: RetentionDecision[] = new Array(snapshots.length);
  // The pool holds what retention may judge by age: the newest-K and tier ranks count only these, so a
  // protected, unfinished or future-dated snapshot never takes a place that keeps a deletable one alive.
  const pool: { snapshot: RetentionCandidate; index: number }[] = [];
  snapshots.forEach((snapshot, index) => {
    const guarded = guardedKeep(snapshot, serverId, now);
    if (guarded) decisions[index] = guarded;
    else pool.push({ snapshot, index });
  });
  pool.sort((a, b) => newestFirst(a.snapshot, b.snapshot));

  const tierKeeps = keepsByTier(
    pool.map((entry) => entry.snapshot),
    policy.tiers ?? null,
    now,
    timeZone,
  );
  const retentionMs = policy.retentionDays * DAY_MS;
  pool.forEach(({ snapshot, index }, rank) => {
    if (rank < policy.keepMin) {
      const detail =
        policy.keepMin === 1
          ? 'the newest automatic snapshot, kept whatever its age'
          : `one of the newest ${policy.keepMin} automatic snapshots, kept whatever its age`;
      decisions[index] = keep(snapshot.id, 'newest-k', detail, null);
      return;
    }
    const ageMs = now.getTime() - snapshot.created.getTime();
    const reasons: AgeKeep[] = [];
    if (ageMs <= retentionMs) {
      reasons.push({
        reason: 'within-retention',
        until: new Date(snapshot.created.getTime() + retentionMs),
        phrase: `within the ${policy.retentionDays}-day retention (created ${formatDuration(ageMs)} ago)`,
      });
    }
    reasons.push(...(tierKeeps.get(snapshot) ?? []));
    if (reasons.length === 0) {
      const detail = `older than ${plural(policy.retentionDays, 'day')} (created ${formatDuration(ageMs)} ago)`;
      decisions[index] = {
        id: snapshot.id,
        action: 'delete',
        reason: 'past-retention',
        detail,
        keepUntil: null,
      };
      return;
    }
    // The reason shown is the one that holds it longest, so keepUntil and reason tell the same story.
    const [primary, ...others] = [...reasons].sort((a, b) => b.until.getTime() - a.until.getTime());
    const detail = [primary.phrase, ...others.map((other) => `also ${other.phrase}`)].join('; ');
    decisions[index] = keep(snapshot.id, primary.reason, detail, primary.until);
  });

  const toDelete = pool
    .filter(({ index }) => decisions[index].action === 'delete')
    .reverse()
    .map(({ snapshot }) => snapshot.id);
  return {
    decisions,
    toDelete,
    kept: decisions.length - toDelete.length,
    summary: summarizePlan(decisions, policy),
  };
}

interface AgeKeep {
  reason: KeepReason;
  until: Date;
  phrase: string;
}

/** A reason to distrust the whole listing, or null. */
function listingDoubt(input: RetentionInput): string | null {
  if (!input.listingComplete) {
    return 'the snapshot list could not be read completely, so nothing is deleted this run';
  }
  // A snapshot listed twice means pages shifted while we read them, and one may have been skipped.
  const seen = new Set<number>();
  for (const snapshot of input.snapshots) {
    if (seen.has(snapshot.id)) {
      return `snapshot ${snapshot.id} was listed twice, so the list may be incomplete; nothing is deleted this run`;
    }
    seen.add(snapshot.id);
  }
  return null;
}

/** The hard rules: a snapshot any of them covers is never deleted, whatever its age. */
function guardedKeep(snapshot: RetentionCandidate, serverId: number, now: Date): RetentionDecision | null {
  if (snapshot.type !== 'snapshot') {
    return keep(
      snapshot.id,
      'not-snapshot',
      `a ${snapshot.type} image, not a snapshot; only snapshots are ever deleted`,
      null,
    );
  }
  // The server label and created_from must tell the same story; when they disagree, neither is trusted.
  const labelled = serverLabelOf(snapshot.labels);
  if (labelled !== 'absent' && labelled !== snapshot.serverId) {
    const from = snapshot.serverId === null ? 'an unknown or gone server' : `server ${snapshot.serverId}`;
    const says =
      labelled === 'unreadable'
        ? `its ${SERVER_LABEL} label is unreadable`
        : `its ${SERVER_LABEL} label says server ${labelled}`;
    return keep(
      snapshot.id,
      'server-label-mismatch',
      `${says} but Hetzner says it was made from ${from}; kept because they disagree`,
      null,
    );
  }
  if (snapshot.serverId !== serverId) {
    const detail =
      snapshot.serverId === null
        ? 'its source server is unknown or gone; only snapshots of this server are ever deleted'
        : `taken from server ${snapshot.serverId}, not this one (${serverId})`;
    return keep(snapshot.id, 'other-server', detail, null);
  }
  const origin = snapshotOrigin(snapshot.labels);
  if (origin !== 'auto') return keep(snapshot.id, 'not-automatic', ORIGIN_DETAIL[origin], null);
  if (snapshot.protected) {
    return keep(
      snapshot.id,
      'protected',
      'protected in Hetzner Cloud; protected snapshots are never deleted',
      null,
    );
  }
  if (snapshot.status !== 'available') {
    return keep(
      snapshot.id,
      'not-available',
      `status is ${snapshot.status}; only available snapshots are ever deleted`,
      null,
    );
  }
  const createdMs = snapshot.created instanceof Date ? snapshot.created.getTime() : NaN;
  if (Number.isNaN(createdMs)) {
    return keep(snapshot.id, 'future-date', 'its creation time is unreadable, so its age is unknown', null);
  }
  if (createdMs > now.getTime()) {
    const ahead = formatDuration(createdMs - now.getTime());
    return keep(
      snapshot.id,
      'future-date',
      `created ${ahead} in the future by this clock, so the clock is in doubt`,
      null,
    );
  }
  return null;
}

const ORIGIN_DETAIL: Record<Exclude<SnapshotOrigin, 'auto'>, string> = {
  manual: 'taken by hand; only automatic snapshots are ever deleted',
  kept: 'marked to keep; only automatic snapshots are ever deleted',
  external: `not made by this panel (no ${PANEL_LABEL}=${PANEL_LABEL_VALUE} label with a known kind); never deleted`,
};

/** For each tier: the newest pool snapshot of each bucket still inside the tier's window. */
function keepsByTier(
  newestFirstPool: RetentionCandidate[],
  tiers: RetentionTiers | null,
  now: Date,
  timeZone: string,
): Map<RetentionCandidate, AgeKeep[]> {
  const keeps = new Map<RetentionCandidate, AgeKeep[]>();
  const activeTiers = TIER_NAMES.filter((tier) => (tiers?.[tier] ?? 0) > 0);
  if (tiers === null || activeTiers.length === 0) return keeps;

  const locate = tierLocator(now, timeZone);
  const seenBuckets = new Set<string>();
  for (const snapshot of newestFirstPool) {
    const slots = locate(snapshot.created);
    for (const tier of activeTiers) {
      const count = tiers[tier];
      const slot = slots[tier];
      // Newest first, so the first snapshot met in a bucket is that bucket's newest.
      if (seenBuckets.has(slot.key)) continue;
      seenBuckets.add(slot.key);
      if (slot.bucketsAgo >= count) continue;
      const keep: AgeKeep = {
        reason: TIER_REASON[tier],
        until: slot.leavesWindowAt(count),
        phrase: `the newest of ${slot.label}, kept by the ${tier} tier (${plural(count, TIER_UNIT[tier])})`,
      };
      keeps.set(snapshot, [...(keeps.get(snapshot) ?? []), keep]);
    }
  }
  return keeps;
}

function keep(id: number, reason: KeepReason, detail: string, keepUntil: Date | null): RetentionDecision {
  return { id, action: 'keep', reason, detail, keepUntil };
}

/** Newest first; equal times by higher id (Hetzner ids grow), so ranks never depend on listing order. */
function newestFirst(a: RetentionCandidate, b: RetentionCandidate): number {
  return b.created.getTime() - a.created.getTime() || b.id - a.id;
}

function isWholeNumberIn(value: unknown, min: number, max: number): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}
