// The retention timeline: where each snapshot sits on a time axis, what retention does with it, the retention
// window, the tier buckets and the next runs, as numbers the hs-timeline partial draws into an inline SVG and as
// the sentence that says the same in words. Pure: it reads the pruner's own plan, so the picture and the
// pruner can never disagree; it decides nothing itself.
import { formatPanelTime } from '../time/panel-time.format';
import type { SnapshotOrigin } from '../labels/snapshot-labels';
import type { RetentionDecision } from './retention.policy';
import { TIER_BUCKET_DAYS, TIER_NAMES } from './retention.tiers';
import { plural } from '../wording/plural';
import {
  LANE_ORDER,
  type MarkFate,
  type MarkShape,
  oldestFirst,
  type TimelineDrawing,
  type TimelineInput,
  type TimelineLayout,
  type TimelineMark,
  type TimelineModel,
  type TimelineTier,
} from './retention-timeline.model';
import { axisTicks, clamp, DAY_MS, round, shapePath, tierBoundaries } from './retention-timeline.axis';
import { describeSnapshot, describeTimeline, formatSpan, listed } from './retention-timeline.words';

// The model's types, the geometry and the words have files of their own; the types stay importable from here.
export type {
  MarkFate,
  MarkShape,
  TimelineDrawing,
  TimelineInput,
  TimelineLane,
  TimelineLayout,
  TimelineMark,
  TimelineModel,
  TimelineSnapshot,
  TimelineTier,
} from './retention-timeline.model';

const GEOMETRY: Record<TimelineLayout, { width: number; plotLeft: number; maxTicks: number }> = {
  wide: { width: 1000, plotLeft: 96, maxTicks: 8 },
  narrow: { width: 380, plotLeft: 90, maxTicks: 4 },
};
const TOP = 26;
const LANE_HEIGHT = 26;
const TIER_HEIGHT = 14;
const AXIS_LABELS = 22;
const LANE_LABEL: Record<SnapshotOrigin, string> = {
  auto: 'Automatic',
  manual: 'Manual',
  kept: 'Kept',
  external: 'Elsewhere',
};
const SHAPE: Record<SnapshotOrigin, MarkShape> = {
  auto: 'circle',
  manual: 'square',
  kept: 'diamond',
  external: 'triangle',
};

export function buildRetentionTimeline(input: TimelineInput): TimelineModel {
  const drawings = (['wide', 'narrow'] as const).map((layout) => draw(input, layout));
  const decisions = new Map((input.plan?.decisions ?? []).map((decision) => [decision.id, decision]));
  const deleting = [...input.snapshots]
    .sort(oldestFirst)
    .filter((s) => decisions.get(s.id)?.action === 'delete');
  const protectedCount = input.snapshots.filter((s) => s.protected).length;
  const activeTiers = TIER_NAMES.filter((tier) => (input.policy.tiers?.[tier] ?? 0) > 0);
  const upcoming = input.nextRuns.filter((run) => run.getTime() > input.now.getTime());
  return {
    drawings,
    title: `Retention timeline: ${plural(input.snapshots.length, 'snapshot')} over the last ${formatSpan(pastSpanMs(input))}`,
    headline: `In words: the next prune deletes ${deleting.length === 0 ? 'none' : deleting.length} of ${plural(input.snapshots.length, 'snapshot')}`,
    sentence: describeTimeline({ input, deleting, protectedCount, upcoming, activeTiers }),
    list: listed(input, decisions),
    deleteCount: deleting.length,
    protectedCount,
  };
}

/**
 * The axis reaches back over the longest of retention and the tiers, and a fifth beyond; further, up to twice
 * that, when older snapshots exist, so the ones the next prune deletes are drawn where they are.
 */
function pastSpanMs(input: TimelineInput): number {
  const { policy } = input;
  const reachDays = Math.max(
    policy.retentionDays,
    ...TIER_NAMES.map((tier) => (policy.tiers?.[tier] ?? 0) * TIER_BUCKET_DAYS[tier]),
  );
  const base = reachDays * DAY_MS * 1.2;
  const oldest = Math.min(
    ...input.snapshots.map((s) => s.created?.getTime() ?? Infinity),
    input.now.getTime(),
  );
  return clamp((input.now.getTime() - oldest) * 1.03, base, 2 * base);
}

function draw(input: TimelineInput, layout: TimelineLayout): TimelineDrawing {
  const { policy, now, timeZone } = input;
  const { width, plotLeft, maxTicks } = GEOMETRY[layout];
  const plotRight = width - 14;
  const nowMs = now.getTime();
  const activeTiers = TIER_NAMES.filter((tier) => (policy.tiers?.[tier] ?? 0) > 0);
  const pastMs = pastSpanMs(input);
  const upcoming = input.nextRuns.filter((run) => run.getTime() > nowMs);
  const lastRunMs = upcoming.length > 0 ? upcoming[upcoming.length - 1].getTime() - nowMs : 0;
  const futureMs = clamp(lastRunMs * 1.05, pastMs * 0.06, pastMs * 0.25);
  const from = nowMs - pastMs;
  const to = nowMs + futureMs;
  const x = (ms: number) => round(plotLeft + ((ms - from) / (to - from)) * (plotRight - plotLeft));

  const decisions = new Map<number, RetentionDecision>(
    (input.plan?.decisions ?? []).map((decision) => [decision.id, decision]),
  );
  const present = new Set(input.snapshots.map((snapshot) => snapshot.origin));
  const lanes = LANE_ORDER.filter((origin) => origin === 'auto' || present.has(origin)).map(
    (origin, index) => ({
      origin,
      label: LANE_LABEL[origin],
      y: TOP + index * LANE_HEIGHT + LANE_HEIGHT / 2,
    }),
  );
  const laneY = new Map(lanes.map((lane) => [lane.origin, lane.y]));
  const lanesBottom = TOP + lanes.length * LANE_HEIGHT;

  const marks: TimelineMark[] = [];
  const merged = new Map<string, { mark: TimelineMark; count: number; first: string }>();
  for (const snapshot of [...input.snapshots].sort(oldestFirst)) {
    const decision = decisions.get(snapshot.id) ?? null;
    const fate: MarkFate =
      decision?.action === 'delete' ? 'deleted-next' : decision?.keepUntil ? 'kept-until' : 'kept';
    const text = describeSnapshot(snapshot, decision, timeZone);
    if (!snapshot.created) continue;
    const createdMs = snapshot.created.getTime();
    const clamped = createdMs < from;
    const mx = x(Math.min(Math.max(createdMs, from), to));
    const my = laneY.get(snapshot.origin)!;
    const shape = SHAPE[snapshot.origin];
    const classes = [
      'tl-mark',
      `tl-${snapshot.origin}`,
      snapshot.protected ? 'tl-protected' : '',
      fate === 'deleted-next' ? 'tl-delete' : '',
    ]
      .filter(Boolean)
      .join(' ');
    // Thousands of snapshots: marks that would be drawn on the same spot become one, which says how many.
    const key = `${classes}|${Math.round(mx)}|${my}`;
    const same = merged.get(key);
    if (same) {
      same.count++;
      same.mark.text = `${same.count} snapshots here, the first ${same.first}`;
      continue;
    }
    const mark: TimelineMark = {
      id: snapshot.id,
      x: mx,
      y: my,
      shape,
      d: shapePath(shape, mx, my),
      origin: snapshot.origin,
      protected: snapshot.protected,
      fate,
      clamped,
      classes,
      text: clamped ? `${text} (older than the timeline shows)` : text,
    };
    merged.set(key, { mark, count: 1, first: mark.text });
    marks.push(mark);
  }

  const tiers = activeTiers.map((tier, index): TimelineTier => {
    const count = policy.tiers?.[tier] ?? 0;
    const boundaries = tierBoundaries(tier, count, now, timeZone).map((ms) => Math.max(ms, from));
    const x1 = x(boundaries[boundaries.length - 1]);
    const ticks: number[] = [];
    for (const boundary of boundaries) {
      const bx = x(boundary);
      if (ticks.length === 0 || Math.abs(ticks[ticks.length - 1] - bx) >= 3) ticks.push(bx);
    }
    return {
      tier,
      label: `${tier} ×${count}`,
      y: lanesBottom + 6 + index * TIER_HEIGHT,
      x1,
      x2: x(nowMs),
      ticks: ticks.filter((tick) => tick > x1),
    };
  });
  const axisY = lanesBottom + (tiers.length > 0 ? 6 + tiers.length * TIER_HEIGHT : 0) + 4;

  const windowStart = nowMs - policy.retentionDays * DAY_MS;
  const win = {
    x1: x(windowStart),
    x2: x(nowMs),
    y1: TOP - 4,
    y2: lanesBottom,
    label: `kept ${plural(policy.retentionDays, 'day')}`,
    // The label ends just left of the window (text-anchor: end), so it never meets "now" above a short window.
    labelX: round(x(windowStart) - 4),
  };

  const nextRuns = upcoming
    .filter((run) => run.getTime() <= to)
    .map((run) => {
      const rx = x(run.getTime());
      return {
        x: rx,
        d: `M${rx} ${axisY - 1}l-4 -7h8z`,
        text: `next run ${formatPanelTime(run, timeZone)}`,
      };
    });

  return {
    layout,
    width,
    height: axisY + AXIS_LABELS,
    plotLeft,
    plotRight,
    axisY,
    lanes,
    marks,
    window: win,
    tiers,
    now: { x: x(nowMs) },
    nextRuns,
    ticks: axisTicks(from, to, timeZone, maxTicks).map((tick) => ({ x: x(tick.ms), label: tick.label })),
  };
}
