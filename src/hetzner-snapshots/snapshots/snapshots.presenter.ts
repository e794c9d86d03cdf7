// Turns the cached list, the retention policy and the clock into what the snapshots page (and the CLI)
// shows: one row per snapshot, the summary line and the pager. Pure: no I/O, no NestJS, table-tested.
// Retention is judged by planRetention, the same function the pruner uses, so page and pruner agree.
import { formatPanelTime } from '../time/panel-time.format';
import { toRetentionCandidate } from '../cycle/cycle.decisions';
import type { HcloudImage } from '../hcloud';
import { panelMayDeleteOrUnprotect, snapshotOrigin, type SnapshotOrigin } from '../labels/snapshot-labels';
import {
  planRetention,
  RetentionDecision,
  RetentionPlan,
  RetentionPolicy,
} from '../retention/retention.policy';
import { buildRetentionTimeline, TimelineModel } from '../retention/retention.timeline';
import { formatRelative } from '../time/duration.format';
import { formatCount, formatGb, formatMoney, formatUnitPrice } from './snapshot-format';
import type { PricingInfo } from '../snapshot-list/snapshot-pricing';

export const SNAPSHOTS_PER_PAGE = 50;

/** The list's filters, as `?kind=` and `?q=`; both optional. */
export interface SnapshotsFilter {
  kind: SnapshotOrigin | null;
  /** Matched case-insensitively against the description and the id. */
  text: string;
}
export const NO_FILTER: SnapshotsFilter = { kind: null, text: '' };
const FILTER_TEXT_MAX = 100;

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
  /** `short` is for the phone list's one line of badges: "until 29 Nov" for "kept until 29 Nov 2026, 03:30 CET". */
  retention: { text: string; short: string; tone: BadgeTone; detail: string };
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

export interface FilterView {
  text: string;
  kinds: { value: string; label: string; selected: boolean }[];
  active: boolean;
  /** "3 of 23 snapshots match" while a filter is on. */
  matchText: string | null;
  clearHref: string;
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
            snapshots: images.map((image) => ({
              id: image.id,
              description: image.description ?? '',
              created: Number.isNaN(Date.parse(image.created)) ? null : new Date(image.created),
              origin: snapshotOrigin(image.labels),
              protected: image.protection?.delete === true,
            })),
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

/** `?kind=` and `?q=` as given in a link; an unknown kind or a non-string is no filter, long text is cut. */
export function parseFilterParams(kind: unknown, text: unknown): SnapshotsFilter {
  const kinds: SnapshotOrigin[] = ['auto', 'manual', 'kept', 'external'];
  return {
    kind: typeof kind === 'string' && (kinds as string[]).includes(kind) ? (kind as SnapshotOrigin) : null,
    text: typeof text === 'string' ? text.trim().slice(0, FILTER_TEXT_MAX) : '',
  };
}

function matchesFilter(image: HcloudImage, filter: SnapshotsFilter): boolean {
  if (filter.kind && snapshotOrigin(image.labels) !== filter.kind) return false;
  if (!filter.text) return true;
  const needle = filter.text.toLowerCase();
  return (image.description ?? '').toLowerCase().includes(needle) || String(image.id) === needle;
}

function filterQuery(filter: SnapshotsFilter): string {
  const params = new URLSearchParams();
  if (filter.kind) params.set('kind', filter.kind);
  if (filter.text) params.set('q', filter.text);
  return params.toString();
}

function presentFilter(
  filter: SnapshotsFilter,
  matched: number,
  total: number,
  basePath: string,
): FilterView {
  const active = filter.kind !== null || filter.text !== '';
  return {
    text: filter.text,
    kinds: [
      { value: '', label: 'every kind' },
      ...(['auto', 'manual', 'kept', 'external'] as SnapshotOrigin[]).map((kind) => ({
        value: kind as string,
        label: ORIGINS[kind].label,
      })),
    ].map((option) => ({ ...option, selected: option.value === (filter.kind ?? '') })),
    active,
    matchText: active ? `${formatCount(matched)} of ${formatCount(total)} snapshots match` : null,
    clearHref: basePath,
  };
}

/** The page number as asked for in `?page=`; anything that is not a positive whole number is page 1. */
export function parsePageParam(raw: unknown): number {
  return typeof raw === 'string' && /^\d{1,6}$/.test(raw) && Number(raw) > 0 ? Number(raw) : 1;
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
    return {
      text: 'kept: marked to keep',
      short: 'kept',
      tone: 'ok',
      detail: 'Retention never removes a kept snapshot.',
    };
  if (origin !== 'auto')
    return {
      text: 'never removed by retention',
      short: 'never pruned',
      tone: 'muted',
      detail: 'Retention only ever removes automatic snapshots.',
    };
  if (!decision) return { text: '—', short: '—', tone: 'muted', detail: problem ?? '' };
  if (decision.action === 'delete')
    return {
      text: 'removed at the next prune',
      short: 'pruned next',
      tone: 'warn',
      detail: capitalize(decision.detail),
    };
  const detail = capitalize(decision.detail);
  switch (decision.reason) {
    case 'newest-k':
      return {
        text: `kept: among the newest ${input.policy?.keepMin}`,
        short: `newest ${input.policy?.keepMin}`,
        tone: 'ok',
        detail,
      };
    case 'protected':
      return { text: 'kept: protected', short: 'protected', tone: 'ok', detail };
    case 'not-available':
      return { text: 'kept: not finished', short: 'not finished', tone: 'muted', detail };
    case 'future-date':
      return { text: 'kept: dated in the future', short: 'future date', tone: 'warn', detail };
    default:
      if (decision.keepUntil)
        return {
          text: `kept until ${formatPanelTime(decision.keepUntil, input.timeZone)}`,
          short: `until ${shortDate(decision.keepUntil, input.timeZone)}`,
          tone: 'muted',
          detail,
        };
      return { text: 'kept', short: 'kept', tone: 'muted', detail };
  }
}

/** "2 Dec": the phone list's one line of badges has no room for the year and the time. */
function shortDate(date: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone, day: 'numeric', month: 'short' }).format(date);
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
  query: string,
): PagerView {
  const href = (p: number) => {
    const q = [query, p === 1 ? '' : `page=${p}`].filter(Boolean).join('&');
    return q ? `${basePath}?${q}` : basePath;
  };
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
