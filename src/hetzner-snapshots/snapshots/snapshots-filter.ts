// The snapshots page's filters (`?kind=`, `?q=`) and pager (`?page=`): reading them from a link, matching a
// snapshot, and the links and sentences they show. Pure, like the rest of the presenter.
import type { HcloudImage } from '../hcloud';
import { snapshotOrigin, type SnapshotOrigin } from '../labels/snapshot-labels';
import { formatCount } from './snapshot-format';
import { ORIGINS } from './snapshot-row.presenter';

/** The list's filters, as `?kind=` and `?q=`; both optional. */
export interface SnapshotsFilter {
  kind: SnapshotOrigin | null;
  /** Matched case-insensitively against the description and the id. */
  text: string;
}
export const NO_FILTER: SnapshotsFilter = { kind: null, text: '' };
const FILTER_TEXT_MAX = 100;

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

/** `?kind=` and `?q=` as given in a link; an unknown kind or a non-string is no filter, long text is cut. */
export function parseFilterParams(kind: unknown, text: unknown): SnapshotsFilter {
  const kinds: SnapshotOrigin[] = ['auto', 'manual', 'kept', 'external'];
  return {
    kind: typeof kind === 'string' && (kinds as string[]).includes(kind) ? (kind as SnapshotOrigin) : null,
    text: typeof text === 'string' ? text.trim().slice(0, FILTER_TEXT_MAX) : '',
  };
}

export function matchesFilter(image: HcloudImage, filter: SnapshotsFilter): boolean {
  if (filter.kind && snapshotOrigin(image.labels) !== filter.kind) return false;
  if (!filter.text) return true;
  const needle = filter.text.toLowerCase();
  return (image.description ?? '').toLowerCase().includes(needle) || String(image.id) === needle;
}

export function filterQuery(filter: SnapshotsFilter): string {
  const params = new URLSearchParams();
  if (filter.kind) params.set('kind', filter.kind);
  if (filter.text) params.set('q', filter.text);
  return params.toString();
}

export function presentFilter(
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

export function presentPager(
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
