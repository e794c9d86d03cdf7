import { FieldErrors, queryPositiveInt } from './fake-hcloud.validation';

export interface PageRequest {
  page: number;
  perPage: number;
}

export interface Pagination {
  page: number;
  per_page: number;
  previous_page: number | null;
  next_page: number | null;
  last_page: number;
  total_entries: number;
}

export interface Page<T> {
  items: T[];
  meta: { pagination: Pagination };
  headers: Record<string, string>;
}

export const DEFAULT_PER_PAGE = 25;
export const MAX_PER_PAGE = 50;

export function parsePageRequest(query: URLSearchParams, errors: FieldErrors): PageRequest {
  const page = queryPositiveInt(query, 'page', 1, errors);
  const perPage = Math.min(MAX_PER_PAGE, queryPositiveInt(query, 'per_page', DEFAULT_PER_PAGE, errors));
  return { page, perPage };
}

/** One page of `items`, its `meta.pagination`, and the `Link` header pointing at its neighbours. */
export function paginate<T>(
  items: readonly T[],
  request: PageRequest,
  link: { pageUrl: string; query: URLSearchParams },
): Page<T> {
  const { page, perPage } = request;
  const lastPage = Math.max(1, Math.ceil(items.length / perPage));
  const pagination: Pagination = {
    page,
    per_page: perPage,
    previous_page: page > 1 ? Math.min(page - 1, lastPage) : null,
    next_page: page < lastPage ? page + 1 : null,
    last_page: lastPage,
    total_entries: items.length,
  };
  const start = (page - 1) * perPage;
  return {
    items: items.slice(start, start + perPage),
    meta: { pagination },
    headers: linkHeader(pagination, link),
  };
}

function linkHeader(
  pagination: Pagination,
  link: { pageUrl: string; query: URLSearchParams },
): Record<string, string> {
  const urlOf = (page: number) => {
    const query = new URLSearchParams(link.query);
    query.delete('page');
    query.delete('per_page');
    query.append('page', String(page));
    query.append('per_page', String(pagination.per_page));
    return `<${link.pageUrl}?${query.toString()}>`;
  };
  const parts: string[] = [];
  if (pagination.previous_page !== null) parts.push(`${urlOf(pagination.previous_page)}; rel="prev"`);
  if (pagination.next_page !== null) parts.push(`${urlOf(pagination.next_page)}; rel="next"`);
  if (pagination.last_page !== pagination.page) parts.push(`${urlOf(pagination.last_page)}; rel="last"`);
  return parts.length > 0 ? { Link: parts.join(', ') } : {};
}
