import { FieldErrors } from './fake-hcloud.validation';

type SortValue = string | number | null;
export type SortFields<T> = Record<string, (item: T) => SortValue>;

export interface SortKey<T> {
  value: (item: T) => SortValue;
  descending: boolean;
}

/** Reads repeated `sort=field[:asc|:desc]` parameters against the fields an endpoint allows. */
export function parseSort<T>(
  query: URLSearchParams,
  fields: SortFields<T>,
  errors: FieldErrors,
): SortKey<T>[] {
  const keys: SortKey<T>[] = [];
  for (const raw of query.getAll('sort')) {
    const [field, direction = 'asc', ...rest] = raw.split(':');
    const value = Object.prototype.hasOwnProperty.call(fields, field) ? fields[field] : undefined;
    if (!value || rest.length > 0 || (direction !== 'asc' && direction !== 'desc')) {
      errors.add('sort', `'${raw}' is not a valid sort`);
      continue;
    }
    keys.push({ value, descending: direction === 'desc' });
  }
  return keys;
}

/** Sorted copy; ties (and an empty sort) fall back to ascending id, the API's natural order. */
export function sortItems<T extends { id: number }>(items: T[], keys: SortKey<T>[]): T[] {
  if (keys.length === 0) return items;
  return [...items].sort((a, b) => {
    for (const key of keys) {
      const order = compareValues(key.value(a), key.value(b));
      if (order !== 0) return key.descending ? -order : order;
    }
    return a.id - b.id;
  });
}

function compareValues(a: SortValue, b: SortValue): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  return a < b ? -1 : 1;
}
