// When the cached snapshot list, prices and server details are old enough to ask Hetzner again. Pure, so
// the rules that protect the shared request budget (3,600 an hour for a whole project) are table-tested.

/** A page view refreshes the list at most this often. */
export const LIST_MAX_AGE_MS = 30_000;
/** After a failed refresh, views show the last known list and wait this long before asking again. */
export const ERROR_RETRY_MS = 30_000;
/** Prices and the server type change rarely; two requests every six hours are plenty. */
export const DETAILS_MAX_AGE_MS = 6 * 3_600_000;
/** While an action this process started runs, its progress is polled at most this often. */
export const ACTION_POLL_MS = 5_000;

export interface ListFreshness {
  /** NULL when never fetched or marked stale. */
  fetchedAt: Date | null;
  lastErrorAt: Date | null;
}

/** Whether a page view should fetch the list from Hetzner now; `maxAgeMs` grows while the API budget is low. */
export function isListRefreshDue(
  cache: ListFreshness | null,
  now: Date,
  maxAgeMs = LIST_MAX_AGE_MS,
): boolean {
  if (!cache) return true;
  const nowMs = now.getTime();
  const { fetchedAt, lastErrorAt } = cache;
  // A failure newer than the list holds every view back for a while, so an outage is not hammered.
  const failedSinceFetch =
    lastErrorAt !== null && (fetchedAt === null || lastErrorAt.getTime() >= fetchedAt.getTime());
  if (failedSinceFetch && inWindow(lastErrorAt, nowMs, ERROR_RETRY_MS)) return false;
  return fetchedAt === null || !inWindow(fetchedAt, nowMs, maxAgeMs);
}

/** Whether prices and the server's details should be fetched along with the list. */
export function isDetailsRefreshDue(detailsFetchedAt: Date | null, now: Date): boolean {
  return detailsFetchedAt === null || !inWindow(detailsFetchedAt, now.getTime(), DETAILS_MAX_AGE_MS);
}

/** Whether an action's progress may be polled again. */
export function isActionPollDue(lastPolledAt: Date | null, now: Date): boolean {
  return lastPolledAt === null || !inWindow(lastPolledAt, now.getTime(), ACTION_POLL_MS);
}

/** `at` lies within the last `windowMs`; a time in the future (the clock was set back) counts as outside. */
function inWindow(at: Date, nowMs: number, windowMs: number): boolean {
  const age = nowMs - at.getTime();
  return age >= 0 && age < windowMs;
}
