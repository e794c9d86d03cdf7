// The retention timeline in words: one line per snapshot and the sentence that says what the picture shows,
// for screen readers and for anyone who would rather read. Pure.
import { formatPanelTime } from '../time/panel-time.format';
import type { SnapshotOrigin } from '../labels/snapshot-labels';
import type { RetentionDecision } from './retention.policy';
import { TIER_UNIT, type TierName } from './retention.tiers';
import { plural } from '../wording/plural';
import { DAY_MS, HOUR_MS } from './retention-timeline.axis';
import {
  LANE_ORDER,
  oldestFirst,
  type TimelineInput,
  type TimelineSnapshot,
} from './retention-timeline.model';

const LIST_MAX = 100;
const ORIGIN_WORD: Record<SnapshotOrigin, string> = {
  auto: 'automatic',
  manual: 'manual',
  kept: 'kept',
  external: 'made elsewhere',
};

/** Newest first, at most LIST_MAX lines: past that the snapshots page's own list (with its filters) serves. */
export function listed(input: TimelineInput, decisions: Map<number, RetentionDecision>): string[] {
  const newest = [...input.snapshots].sort(oldestFirst).reverse();
  const lines = newest
    .slice(0, LIST_MAX)
    .map((s) => describeSnapshot(s, decisions.get(s.id) ?? null, input.timeZone));
  if (newest.length > LIST_MAX) lines.push(`… and ${newest.length - LIST_MAX} older ones`);
  return lines;
}

export function describeSnapshot(
  snapshot: TimelineSnapshot,
  decision: RetentionDecision | null,
  timeZone: string,
): string {
  const name = snapshot.description ? `“${snapshot.description}”` : `snapshot ${snapshot.id}`;
  const created = snapshot.created ? formatPanelTime(snapshot.created, timeZone) : 'at an unknown time';
  const fate =
    decision?.action === 'delete'
      ? 'deleted by the next prune'
      : decision?.keepUntil
        ? `kept until ${formatPanelTime(decision.keepUntil, timeZone)}`
        : keptWhy(snapshot, decision);
  return `${name}, ${ORIGIN_WORD[snapshot.origin]}${snapshot.protected ? ', protected' : ''}, created ${created}: ${fate}`;
}

function keptWhy(snapshot: TimelineSnapshot, decision: RetentionDecision | null): string {
  if (snapshot.origin === 'kept') return 'kept: marked to keep';
  if (snapshot.origin !== 'auto') return 'never removed by retention';
  if (!decision) return 'kept (retention cannot be applied)';
  if (decision.reason === 'newest-k') return 'kept as one of the newest';
  if (decision.reason === 'protected') return 'kept: protected';
  return `kept: ${decision.detail}`;
}

export function describeTimeline(args: {
  input: TimelineInput;
  deleting: TimelineSnapshot[];
  protectedCount: number;
  upcoming: Date[];
  activeTiers: TierName[];
}): string {
  const { input, deleting, protectedCount, upcoming, activeTiers } = args;
  const { policy, timeZone } = input;
  const parts: string[] = [];
  const byOrigin = (origin: SnapshotOrigin) => input.snapshots.filter((s) => s.origin === origin).length;
  if (input.snapshots.length === 0) parts.push('No snapshots are listed yet.');
  else {
    const kinds = LANE_ORDER.map((origin) => ({ origin, count: byOrigin(origin) }))
      .filter(({ count }) => count > 0)
      .map(({ origin, count }) => `${count} ${ORIGIN_WORD[origin]}`);
    parts.push(
      `${plural(input.snapshots.length, 'snapshot')}: ${kinds.join(', ')}${protectedCount > 0 ? `; ${protectedCount} protected` : ''}.`,
    );
  }
  const tiers = activeTiers.map((tier) => {
    const count = policy.tiers?.[tier] ?? 0;
    return `the newest of each ${TIER_UNIT[tier]} for ${plural(count, TIER_UNIT[tier])}`;
  });
  parts.push(
    `Retention keeps automatic snapshots for ${plural(policy.retentionDays, 'day')}${tiers.length > 0 ? `, plus ${joinWithAnd(tiers)}` : ''}, and always the newest ${policy.keepMin}.`,
  );
  if (!input.plan) parts.push('The retention settings cannot be applied, so nothing is deleted.');
  else if (deleting.length === 0) parts.push('The next prune deletes nothing.');
  else {
    // Three names at most: the list under the picture names every one.
    const names = deleting
      .slice(0, 3)
      .map((s) => (s.description ? `“${s.description}”` : `snapshot ${s.id}`));
    const more = deleting.length > 3 ? ` and ${deleting.length - 3} more` : '';
    parts.push(`The next prune deletes ${deleting.length}: ${names.join(', ')}${more}.`);
  }
  if (upcoming.length > 0)
    parts.push(
      `Next ${upcoming.length === 1 ? 'run' : 'runs'}: ${upcoming.map((run) => formatPanelTime(run, timeZone)).join('; ')}.`,
    );
  else parts.push('No automatic run is scheduled.');
  return parts.join(' ');
}

export function formatSpan(ms: number): string {
  const days = ms / DAY_MS;
  if (days < 2) return plural(Math.round(ms / HOUR_MS), 'hour');
  if (days < 60) return plural(Math.round(days), 'day');
  return plural(Math.round(days / 30.44), 'month');
}

function joinWithAnd(parts: string[]): string {
  return parts.length <= 1
    ? parts.join('')
    : `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
}
