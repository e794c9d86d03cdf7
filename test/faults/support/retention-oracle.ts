// The retention rules written down a second time, independently of planRetention (no shared code, calendar
// maths with Intl instead of luxon), so the fault campaign can judge every deletion the panel makes against
// the rules rather than against the panel's own implementation of them.
//
// The rules (README "Safe pruning", retention.policy.ts doc comments): only snapshots of this server that
// carry managed-by=snapshot-panel + snapshot-panel/kind=auto, whose snapshot-panel/server label (when there is
// one) names this server too, are available, not delete-protected and not dated in the future may ever be deleted; of those, the newest K are always kept, anything created within
// the retention days is kept, and with tiers the newest snapshot of each of the last N local hours / days /
// ISO weeks / months is kept too. Only what is left may be deleted.
import type { FakeImageRecord } from '../../../src/fake-hcloud';

export interface OraclePolicy {
  retentionDays: number;
  keepMin: number;
  tiers: { hourly: number; daily: number; weekly: number; monthly: number } | null;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

export function isAutomaticOf(image: FakeImageRecord, serverId: number): boolean {
  return (
    image.type === 'snapshot' &&
    image.createdFrom?.id === serverId &&
    image.labels['managed-by'] === 'snapshot-panel' &&
    image.labels['snapshot-panel/kind'] === 'auto' &&
    // A server label that disagrees with created_from is doubt: kept, whichever of the two is wrong.
    (image.labels['snapshot-panel/server'] === undefined ||
      image.labels['snapshot-panel/server'] === String(serverId))
  );
}

/** The ids retention is allowed to delete from `images` (the whole account as the fake holds it) at `now`. */
export function deletableByRules(input: {
  images: readonly FakeImageRecord[];
  serverId: number;
  policy: OraclePolicy;
  now: Date;
  timeZone: string;
}): Set<number> {
  const { policy, now, timeZone } = input;
  const nowMs = now.getTime();
  const judged = input.images
    .filter(
      (image) =>
        isAutomaticOf(image, input.serverId) &&
        image.status === 'available' &&
        !image.protection.delete &&
        image.created.getTime() <= nowMs,
    )
    .sort((a, b) => b.created.getTime() - a.created.getTime() || b.id - a.id);

  const keptByTier = new Set<number>();
  if (policy.tiers) {
    const calendar = localCalendar(timeZone);
    const current = calendar(now);
    const slots = new Map(judged.map((image) => [image.id, calendar(image.created)]));
    // Bucket numbers are consecutive per tier (weeks step by 7 days), so `ago` is "how many buckets ago".
    const tiers: { count: number; bucket: (slot: LocalSlot) => number; step: number }[] = [
      { count: policy.tiers.hourly, bucket: (slot) => slot.hour, step: 1 },
      { count: policy.tiers.daily, bucket: (slot) => slot.day, step: 1 },
      { count: policy.tiers.weekly, bucket: (slot) => slot.week, step: 7 },
      { count: policy.tiers.monthly, bucket: (slot) => slot.month, step: 1 },
    ];
    for (const tier of tiers) {
      if (tier.count <= 0) continue;
      const seen = new Set<number>();
      for (const image of judged) {
        const bucket = tier.bucket(slots.get(image.id) as LocalSlot);
        // Newest first: the first snapshot met in a bucket is that bucket's newest.
        if (seen.has(bucket)) continue;
        seen.add(bucket);
        const ago = (tier.bucket(current) - bucket) / tier.step;
        if (ago < tier.count) keptByTier.add(image.id);
      }
    }
  }

  const deletable = new Set<number>();
  judged.forEach((image, rank) => {
    if (rank < policy.keepMin) return;
    if (nowMs - image.created.getTime() <= policy.retentionDays * DAY_MS) return;
    if (keptByTier.has(image.id)) return;
    deletable.add(image.id);
  });
  return deletable;
}

interface LocalSlot {
  /** The real hour (UTC hour number): every zone the campaign uses has whole-hour offsets. */
  hour: number;
  /** The local calendar date as a day number. */
  day: number;
  /** The day number of the local ISO week's Monday. */
  week: number;
  /** year * 12 + month index. */
  month: number;
}

function localCalendar(timeZone: string): (at: Date) => LocalSlot {
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone,
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
  });
  return (at) => {
    const parts = Object.fromEntries(format.formatToParts(at).map((part) => [part.type, part.value]));
    const year = Number(parts.year);
    const month = Number(parts.month);
    const day = Date.UTC(year, month - 1, Number(parts.day)) / DAY_MS;
    const mondayBased = (new Date(day * DAY_MS).getUTCDay() + 6) % 7;
    return {
      hour: Math.floor(at.getTime() / HOUR_MS),
      day,
      week: day - mondayBased,
      month: year * 12 + month - 1,
    };
  };
}
