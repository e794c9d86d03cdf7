// Turns the cached list, the retention policy and the clock into what the snapshots page (and the CLI)
// shows: one row per snapshot, the summary line and the pager. Pure: no I/O, no NestJS, table-tested.
// Retention is judged by planRetention, the same function the pruner uses, so page and pruner agree.
import { toRetentionCandidate } from '../cycle/cycle.decisions';
import type { HcloudImage } from '../hcloud';
import { snapshotOrigin } from '../labels/snapshot-labels';
import {
  planRetention,
  RetentionDecision,
  RetentionPlan,
  RetentionPolicy,
} from '../retention/retention.policy';
import { buildRetentionTimeline, TimelineModel, TimelineSnapshot } from '../retention/retention.timeline';
import { formatCount, formatGb, formatMoney, formatUnitPrice } from './snapshot-format';
import type { PricingInfo } from '../snapshot-list/snapshot-pricing';
import {
  type FilterView,
  filterQuery,
  matchesFilter,
  NO_FILTER,
  type PagerView,
  presentFilter,
  presentPager,
  type SnapshotsFilter,
} from './snapshots-filter';
import { presentRow, type SnapshotRowView } from './snapshot-row.presenter';

// The rows and the filters/pager have files of their own; their names stay importable from here.
export { NO_FILTER, parseFilterParams, parsePageParam } from './snapshots-filter';
export type { FilterView, PagerView, SnapshotsFilter } from './snapshots-filter';
export type { BadgeTone, SnapshotRowView } from './snapshot-row.presenter';

export const SNAPSHOTS_PER_PAGE = 50;

export interface SnapshotsSummaryView {
  count: number;
  countText: string;
  totalGb: number;
  totalSizeText: string;
  creatingCount: number;
  /** null without prices (not fetched yet, or Hetzner unreachable since start). */
  monthlyCostText: string | null;
  pricePerGbText: string | null;
  backupsCostText: string | null;
  backupsDetail: string | null;
}

export interface SnapshotsListView {
  rows: SnapshotRowView[];
  filter: FilterView;
  /** The retention timeline over every snapshot (not just this page); null when the policy cannot be read. */
  timeline: TimelineModel | null;
  summary: SnapshotsSummaryView;
  pager: PagerView | null;
  empty: boolean;
  /** Something is being created: the page refreshes itself. */
  anyCreating: boolean;
  /** The policy could not be applied (bad settings); the retention column says so. */
  retentionProblem: string | null;
}

export interface SnapshotsPresenterInput {
  /** This server's snapshots, in any order. */
  images: HcloudImage[];
  serverId: number;
  /** null when the saved policy cannot be read (the pruner then deletes nothing). */
  policy: RetentionPolicy | null;
  now: Date;
  timeZone: string;
  /** Requested page, 1-based; out-of-range values are clamped. */
  page: number;
  perPage?: number;
  /** Progress of snapshots this process is creating, by image id. */
  progress?: Map<number, number>;
  pricing: PricingInfo | null;
  /** Where the page lives, e.g. '/snapshots'. */
  basePath: string;
  filter?: SnapshotsFilter;
  /** The schedule's next runs, drawn on the timeline. */
  nextRuns?: Date[];
}

export function presentSnapshots(input: SnapshotsPresenterInput): SnapshotsListView {
  const perPage = input.perPage ?? SNAPSHOTS_PER_PAGE;
  const images = [...input.images].sort(newestFirst);
  const filter = input.filter ?? NO_FILTER;
  // Retention judges every snapshot; the filter only chooses which rows are shown.
  const { decisions, plan, problem } = judgeRetention(input, images);
  const shown = images.filter((image) => matchesFilter(image, filter));
  const pageCount = Math.max(1, Math.ceil(shown.length / perPage));
  const page = Math.min(Math.max(1, Math.floor(input.page) || 1), pageCount);
  const start = (page - 1) * perPage;
  const rows = shown
    .slice(start, start + perPage)
    .map((image) => presentRow(image, input, decisions.get(image.id) ?? null, problem));
  const query = filterQuery(filter);
  return {
    rows,
    filter: presentFilter(filter, shown.length, images.length, input.basePath),
    timeline:
      plan && input.policy
        ? buildRetentionTimeline({
            snapshots: images.map(toTimelineSnapshot),
            plan,
            policy: input.policy,
            nextRuns: input.nextRuns ?? [],
            now: input.now,
            timeZone: input.timeZone,
          })
        : null,
    summary: presentSummary(images, input.pricing),
    pager:
      pageCount > 1
        ? presentPager(page, pageCount, start, rows.length, shown.length, input.basePath, query)
        : null,
    empty: images.length === 0,
    anyCreating: images.some((image) => image.status === 'creating'),
    retentionProblem: problem,
  };
}

function judgeRetention(
  input: SnapshotsPresenterInput,
  images: HcloudImage[],
): { decisions: Map<number, RetentionDecision>; plan: RetentionPlan | null; problem: string | null } {
  if (!input.policy) {
    return {
      decisions: new Map(),
      plan: null,
      problem:
        'The retention tiers saved in Settings cannot be read, so retention removes nothing until they are saved again.',
    };
  }
  const policy = input.policy;
  try {
    const plan = planRetention({
      // The same mapping the pruner uses, so the page and the pruner judge the same facts.
      snapshots: images.map(toRetentionCandidate),
      policy,
      serverId: input.serverId,
      now: input.now,
      timeZone: input.timeZone,
      listingComplete: true,
    });
    return { decisions: new Map(plan.decisions.map((d) => [d.id, d])), plan, problem: null };
  } catch (err) {
    return {
      decisions: new Map(),
      plan: null,
      problem: `The retention settings cannot be applied: ${(err as Error).message}`,
    };
  }
}

function presentSummary(images: HcloudImage[], pricing: PricingInfo | null): SnapshotsSummaryView {
  const totalGb = images.reduce(
    (sum, image) => sum + (image.status === 'creating' ? 0 : (image.image_size ?? 0)),
    0,
  );
  const creatingCount = images.filter((image) => image.status === 'creating').length;
  const money = (amount: number) => formatMoney(amount, pricing!.currency);
  const backups =
    pricing && pricing.serverMonthly !== null
      ? (pricing.serverMonthly * pricing.backupPercentage) / 100
      : null;
  return {
    count: images.length,
    countText: `${formatCount(images.length)} snapshot${images.length === 1 ? '' : 's'}`,
    totalGb,
    totalSizeText: formatGb(Math.round(totalGb * 100) / 100),
    creatingCount,
    monthlyCostText: pricing ? `${money(totalGb * pricing.pricePerGbMonth)} / month` : null,
    pricePerGbText: pricing
      ? `${formatUnitPrice(pricing.pricePerGbMonth, pricing.currency)} per GB and month`
      : null,
    backupsCostText: backups !== null ? `${money(backups)} / month` : null,
    backupsDetail:
      backups !== null && pricing?.serverMonthly != null
        ? `Hetzner's Backups: ${formatPercent(pricing.backupPercentage)} of the server's ${money(pricing.serverMonthly)} a month, for 7 daily backups`
        : null,
  };
}

/** What the retention timeline draws of a snapshot; the settings preview draws the same. */
export function toTimelineSnapshot(image: HcloudImage): TimelineSnapshot {
  return {
    id: image.id,
    description: image.description ?? '',
    created: Number.isNaN(Date.parse(image.created)) ? null : new Date(image.created),
    origin: snapshotOrigin(image.labels),
    protected: image.protection?.delete === true,
  };
}

/** Newest first; equal times by the higher id, as retention ranks them. */
function newestFirst(a: HcloudImage, b: HcloudImage): number {
  return (Date.parse(b.created) || 0) - (Date.parse(a.created) || 0) || b.id - a.id;
}

function formatPercent(p: number): string {
  return `${Number(p.toFixed(2))}%`;
}
