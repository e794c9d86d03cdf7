// Turns the cached list, the retention policy and the clock into what the snapshots page (and the CLI)
// shows: one row per snapshot, the summary line and the pager. Pure: no I/O, no NestJS, table-tested.
// Retention is judged by planRetention, the same function the pruner uses, so page and pruner agree.
import { formatPanelTime } from '../time/panel-time.format';
import { toRetentionCandidate } from '../cycle/cycle.decisions';
import type { HcloudImage } from '../hcloud';
import { panelMayDeleteOrUnprotect, snapshotOrigin, type SnapshotOrigin } from '../labels/snapshot-labels';
import { planRetention, RetentionDecision, RetentionPolicy } from '../retention/retention.policy';
import { formatRelative } from '../time/duration.format';
import { formatCount, formatGb, formatMoney, formatUnitPrice } from './snapshot-format';
import type { PricingInfo } from '../snapshot-list/snapshot-pricing';

export const SNAPSHOTS_PER_PAGE = 100;

export type BadgeTone = 'ok' | 'warn' | 'danger' | 'info' | 'muted';

export interface SnapshotRowView {
  id: number;
  /** Raw text; the template escapes it (descriptions come from anywhere, HTML included). */
  description: string;
  createdIso: string;
  createdText: string;
  createdRelative: string;
  sizeText: string;
  status: {
    label: string;
    tone: BadgeTone;
    progress: number | null;
    showProgress: boolean;
    creating: boolean;
  };
  origin: { kind: SnapshotOrigin; label: string; tone: BadgeTone; detail: string };
  protected: boolean;
  retention: { text: string; tone: BadgeTone; detail: string };
  actions: {
    base: string;
    deleteHref: string | null;
    /** "Rebuild this server from this snapshot" (the restore feature's page); available snapshots only. */
    restoreHref: string | null;
    canProtect: boolean;
    canUnprotect: boolean;
    canKeep: boolean;
    canUnkeep: boolean;
  };
}

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

export interface PagerView {
  page: number;
  pageCount: number;
  rangeText: string;
  prevHref: string | null;
  nextHref: string | null;
}

export interface SnapshotsListView {
  rows: SnapshotRowView[];
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
}

export function presentSnapshots(input: SnapshotsPresenterInput): SnapshotsListView {
  const perPage = input.perPage ?? SNAPSHOTS_PER_PAGE;
  const images = [...input.images].sort(newestFirst);
  const { decisions, problem } = judgeRetention(input, images);
  const pageCount = Math.max(1, Math.ceil(images.length / perPage));
  const page = Math.min(Math.max(1, Math.floor(input.page) || 1), pageCount);
  const start = (page - 1) * perPage;
  const rows = images
    .slice(start, start + perPage)
    .map((image) => presentRow(image, input, decisions.get(image.id) ?? null, problem));
  return {
    rows,
    summary: presentSummary(images, input.pricing),
    pager:
      pageCount > 1 ? presentPager(page, pageCount, start, rows.length, images.length, input.basePath) : null,
    empty: images.length === 0,
    anyCreating: images.some((image) => image.status === 'creating'),
    retentionProblem: problem,
  };
}

/** The page number as asked for in `?page=`; anything that is not a positive whole number is page 1. */
export function parsePageParam(raw: unknown): number {
  return typeof raw === 'string' && /^\d{1,6}$/.test(raw) && Number(raw) > 0 ? Number(raw) : 1;
}

function judgeRetention(
  input: SnapshotsPresenterInput,
  images: HcloudImage[],
): { decisions: Map<number, RetentionDecision>; problem: string | null } {
  if (!input.policy) {
    return {
      decisions: new Map(),
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
    return { decisions: new Map(plan.decisions.map((d) => [d.id, d])), problem: null };
  } catch (err) {
    return {
      decisions: new Map(),
      problem: `The retention settings cannot be applied: ${(err as Error).message}`,
    };
  }
}

function presentRow(
  image: HcloudImage,
  input: SnapshotsPresenterInput,
  decision: RetentionDecision | null,
  problem: string | null,
): SnapshotRowView {
  const created = new Date(image.created);
  const validCreated = !Number.isNaN(created.getTime());
  const origin = snapshotOrigin(image.labels);
  const mayChange = panelMayDeleteOrUnprotect(image.labels);
  const isProtected = image.protection?.delete === true;
  const creating = image.status === 'creating';
  const base = `${input.basePath}/${image.id}`;
  return {
    id: image.id,
    description: image.description ?? '',
    createdIso: validCreated ? created.toISOString() : '',
    createdText: validCreated ? formatPanelTime(created, input.timeZone) : 'unknown',
    createdRelative: validCreated ? formatRelative(created, input.now) : '',
    sizeText: creating ? '—' : formatGb(image.image_size),
    status: presentStatus(image, input.progress?.get(image.id)),
    origin: ORIGINS[origin],
    protected: isProtected,
    retention: presentRetention(origin, decision, input, problem),
    actions: {
      base,
      deleteHref: !isProtected && !creating && mayChange ? `${base}/delete` : null,
      restoreHref: image.status === 'available' ? `${base}/restore` : null,
      canProtect: !isProtected && !creating,
      canUnprotect: isProtected && mayChange,
      canKeep: origin === 'auto' && !creating,
      canUnkeep: origin === 'kept',
    },
  };
}

const ORIGINS: Record<SnapshotOrigin, SnapshotRowView['origin']> = {
  auto: { kind: 'auto', label: 'automatic', tone: 'info', detail: 'on schedule, by this panel' },
  manual: { kind: 'manual', label: 'manual', tone: 'info', detail: 'by hand, in this panel' },
  kept: { kind: 'kept', label: 'kept', tone: 'ok', detail: 'marked to keep in this panel' },
  external: {
    kind: 'external',
    label: 'made elsewhere',
    tone: 'muted',
    detail: 'console, CLI or another tool',
  },
};

function presentStatus(image: HcloudImage, progress: number | undefined): SnapshotRowView['status'] {
  if (image.status === 'creating') {
    const p = progress === undefined ? null : Math.max(0, Math.min(100, Math.round(progress)));
    return {
      label: p === null ? 'creating' : `creating ${p}%`,
      tone: 'warn',
      progress: p,
      showProgress: p !== null,
      creating: true,
    };
  }
  if (image.status === 'available')
    return { label: 'available', tone: 'ok', progress: null, showProgress: false, creating: false };
  if (image.status === 'unavailable')
    return { label: 'unavailable', tone: 'danger', progress: null, showProgress: false, creating: false };
  return { label: String(image.status), tone: 'muted', progress: null, showProgress: false, creating: false };
}

function presentRetention(
  origin: SnapshotOrigin,
  decision: RetentionDecision | null,
  input: SnapshotsPresenterInput,
  problem: string | null,
): SnapshotRowView['retention'] {
  if (origin === 'kept')
    return { text: 'kept: marked to keep', tone: 'ok', detail: 'Retention never removes a kept snapshot.' };
  if (origin !== 'auto')
    return {
      text: 'never removed by retention',
      tone: 'muted',
      detail: 'Retention only ever removes automatic snapshots.',
    };
  if (!decision) return { text: '—', tone: 'muted', detail: problem ?? '' };
  if (decision.action === 'delete')
    return { text: 'removed at the next prune', tone: 'warn', detail: capitalize(decision.detail) };
  const detail = capitalize(decision.detail);
  switch (decision.reason) {
    case 'newest-k':
      return { text: `kept: among the newest ${input.policy?.keepMin}`, tone: 'ok', detail };
    case 'protected':
      return { text: 'kept: protected', tone: 'ok', detail };
    case 'not-available':
      return { text: 'kept: not finished', tone: 'muted', detail };
    case 'future-date':
      return { text: 'kept: dated in the future', tone: 'warn', detail };
    default:
      if (decision.keepUntil)
        return {
          text: `kept until ${formatPanelTime(decision.keepUntil, input.timeZone)}`,
          tone: 'muted',
          detail,
        };
      return { text: 'kept', tone: 'muted', detail };
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

function presentPager(
  page: number,
  pageCount: number,
  start: number,
  shown: number,
  total: number,
  basePath: string,
): PagerView {
  const href = (p: number) => (p === 1 ? basePath : `${basePath}?page=${p}`);
  return {
    page,
    pageCount,
    rangeText: `Showing ${formatCount(start + 1)}–${formatCount(start + shown)} of ${formatCount(total)}`,
    prevHref: page > 1 ? href(page - 1) : null,
    nextHref: page < pageCount ? href(page + 1) : null,
  };
}

/** Newest first; equal times by the higher id, as retention ranks them. */
function newestFirst(a: HcloudImage, b: HcloudImage): number {
  return (Date.parse(b.created) || 0) - (Date.parse(a.created) || 0) || b.id - a.id;
}

function formatPercent(p: number): string {
  return `${Number(p.toFixed(2))}%`;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
