// What a retention policy would hold and cost, and its timeline, from the cached list of this server's
// snapshots: the settings page's preview of an unsaved change (rendered, and as JSON while the admin types).
// Pure; the size rule lives here once and the settings summary uses it too.
import type { HcloudImage } from '../hcloud';
import { toRetentionCandidate } from '../cycle/cycle.decisions';
import { estimateRetainedCount, formatGigabytes } from '../retention/retention.describe';
import { snapshotOrigin } from '../labels/snapshot-labels';
import { planRetention, RetentionPolicy } from '../retention/retention.policy';
import { buildRetentionTimeline, TimelineModel } from '../retention/retention.timeline';
import { plural } from '../wording/plural';
import { formatMoney } from './snapshot-format';
import { toTimelineSnapshot } from './snapshots.presenter';
import type { PricingInfo } from '../snapshot-list/snapshot-pricing';

/** The average size of this server's automatic snapshots (all of its snapshots when it has none), or null. */
export function averageSnapshotSizeGb(images: HcloudImage[], serverId: number): number | null {
  const sized = images.filter(
    (i) =>
      i?.type === 'snapshot' &&
      i.created_from?.id === serverId &&
      typeof i.image_size === 'number' &&
      i.image_size > 0,
  );
  // Automatic snapshots are what retention keeps; manual ones may be of a very different size.
  const auto = sized.filter((i) => snapshotOrigin(i.labels) === 'auto');
  const basis = auto.length > 0 ? auto : sized;
  if (basis.length === 0) return null;
  return basis.reduce((sum, i) => sum + (i.image_size as number), 0) / basis.length;
}

export interface RetentionPreviewInput {
  policy: RetentionPolicy;
  runsPerDay: number;
  nextRuns: Date[];
  /** The cached list (null when the panel has not listed this server yet). */
  images: HcloudImage[] | null;
  serverId: number | null;
  pricing: PricingInfo | null;
  now: Date;
  timeZone: string;
}

export interface RetentionPreview {
  count: number;
  sizeGb: number | null;
  monthlyCost: number | null;
  /** "Keeps about 28 snapshots, about 67 GB, about €0.96 a month." */
  estimate: string;
  timeline: TimelineModel;
}

export function previewRetention(input: RetentionPreviewInput): RetentionPreview {
  const { policy, serverId } = input;
  const images = serverId === null ? [] : (input.images ?? []);
  const count = estimateRetainedCount({ policy, runsPerDay: input.runsPerDay });
  const average = serverId === null ? null : averageSnapshotSizeGb(images, serverId);
  const sizeGb = average === null ? null : count * average;
  const monthlyCost = sizeGb !== null && input.pricing ? sizeGb * input.pricing.pricePerGbMonth : null;
  const parts = [`Keeps about ${plural(count, 'automatic snapshot')}`];
  if (sizeGb !== null) parts.push(`about ${formatGigabytes(sizeGb)}`);
  if (monthlyCost !== null) parts.push(`about ${formatMoney(monthlyCost, input.pricing!.currency)} a month`);
  const estimate = `${parts.join(', ')}${sizeGb === null ? ' (sizes are known once the panel has listed this server’s snapshots)' : ' at today’s sizes'}.`;

  // The same plan the pruner would make with this policy today.
  const plan =
    serverId === null
      ? null
      : planRetention({
          snapshots: images.map(toRetentionCandidate),
          policy,
          serverId,
          now: input.now,
          timeZone: input.timeZone,
          listingComplete: true,
        });
  const timeline = buildRetentionTimeline({
    snapshots: images.map(toTimelineSnapshot),
    plan,
    policy,
    nextRuns: input.nextRuns,
    now: input.now,
    timeZone: input.timeZone,
  });
  return { count, sizeGb, monthlyCost, estimate, timeline };
}
