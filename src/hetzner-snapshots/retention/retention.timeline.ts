// The retention timeline: where each snapshot sits on a time axis, what retention does with it, the retention
// window, the tier buckets and the next runs, as numbers the hs-timeline partial draws into an inline SVG and as
// the sentence that says the same in words. Pure: it reads the pruner's own plan, so the picture and the
// pruner can never disagree; it decides nothing itself.
import { DateTime } from 'luxon';
import { formatPanelTime } from '../time/panel-time.format';
import type { SnapshotOrigin } from '../labels/snapshot-labels';
import type { RetentionDecision, RetentionPlan, RetentionPolicy } from './retention.policy';
import { TIER_NAMES, type TierName } from './retention.tiers';
import { plural } from '../wording/plural';

export interface TimelineSnapshot {
  id: number;
  description: string;
  /** null when Hetzner's time is unreadable: listed in words, not drawn. */
  created: Date | null;
  origin: SnapshotOrigin;
  protected: boolean;
}

export interface TimelineInput {
  snapshots: TimelineSnapshot[];
  /** planRetention's plan for these snapshots (null when the policy cannot be applied). */
  plan: RetentionPlan | null;
  policy: RetentionPolicy;
  nextRuns: Date[];
  now: Date;
  timeZone: string;
}

export type MarkShape = 'circle' | 'square' | 'diamond' | 'triangle';
export type MarkFate = 'deleted-next' | 'kept-until' | 'kept';

export interface TimelineMark {
  id: number;
  x: number;
  y: number;
  shape: MarkShape;
  /** SVG path of the shape, centred on (x, y). */
  d: string;
  origin: SnapshotOrigin;
  protected: boolean;
  fate: MarkFate;
  /** Drawn at the left edge: older than the axis shows. */
  clamped: boolean;
  /** Space-separated CSS classes: tl-mark tl-<origin> [tl-protected] [tl-delete]. */
  classes: string;
  /** One line, for the mark's <title> and the list under the picture. */
  text: string;
}

export interface TimelineLane {
  origin: SnapshotOrigin;
  label: string;
  y: number;
}

export interface TimelineTier {
  tier: TierName;
  label: string;
  y: number;
  x1: number;
  x2: number;
  /** Bucket boundaries inside [x1, x2]; left out when they would be closer than 3 units. */
  ticks: number[];
}

/** One drawing of the timeline: `wide` for desktops, `narrow` for phones (CSS shows one). */
export interface TimelineDrawing {
  layout: TimelineLayout;
  width: number;
  height: number;
  plotLeft: number;
  plotRight: number;
  axisY: number;
  lanes: TimelineLane[];
  marks: TimelineMark[];
  window: { x1: number; x2: number; y1: number; y2: number; label: string; labelX: number };
  tiers: TimelineTier[];
  now: { x: number };
  nextRuns: { x: number; d: string; text: string }[];
  ticks: { x: number; label: string }[];
}

export type TimelineLayout = 'wide' | 'narrow';

export interface TimelineModel {
  /** The same picture at two widths, so its labels stay readable on a phone and on a desktop. */
  drawings: TimelineDrawing[];
  /** The text alternative: the same facts as the picture, in words. */
  title: string;
  /** The disclosure's one line: "In words: the next prune deletes 9 of 23 snapshots". */
  headline: string;
  sentence: string;
  /** One line per snapshot, newest first (at most 100): the list under the sentence, "until when" for each. */
  list: string[];
  /** Counts, for the legend and the tests. */
  deleteCount: number;
  protectedCount: number;
}

const GEOMETRY: Record<TimelineLayout, { width: number; plotLeft: number; maxTicks: number }> = {
  wide: { width: 1000, plotLeft: 96, maxTicks: 8 },
  narrow: { width: 380, plotLeft: 90, maxTicks: 4 },
};
const TOP = 26;
const LIST_MAX = 100;
const LANE_HEIGHT = 26;
const TIER_HEIGHT = 14;
const AXIS_LABELS = 22;
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const TIER_BUCKET_DAYS: Record<TierName, number> = {
  hourly: 1 / 24,
  daily: 1,
  weekly: 7,
  monthly: 365.25 / 12,
};
const TIER_UNIT: Record<TierName, 'hour' | 'day' | 'week' | 'month'> = {
  hourly: 'hour',
  daily: 'day',
  weekly: 'week',
  monthly: 'month',
};
const LANE_ORDER: SnapshotOrigin[] = ['auto', 'manual', 'kept', 'external'];
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
const ORIGIN_WORD: Record<SnapshotOrigin, string> = {
  auto: 'automatic',
  manual: 'manual',
  kept: 'kept',
  external: 'made elsewhere',
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

/** Newest first, at most LIST_MAX lines: past that the snapshots page's own list (with its filters) serves. */
function listed(input: TimelineInput, decisions: Map<number, RetentionDecision>): string[] {
  const newest = [...input.snapshots].sort(oldestFirst).reverse();
  const lines = newest
    .slice(0, LIST_MAX)
    .map((s) => describeSnapshot(s, decisions.get(s.id) ?? null, input.timeZone));
  if (newest.length > LIST_MAX) lines.push(`… and ${newest.length - LIST_MAX} older ones`);
  return lines;
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

function describeSnapshot(
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

function keptWhy(snapshot: TimelineSnapshot, decision: RetentionDecision | null): string {
  if (snapshot.origin === 'kept') return 'kept: marked to keep';
  if (snapshot.origin !== 'auto') return 'never removed by retention';
  if (!decision) return 'kept (retention cannot be applied)';
  if (decision.reason === 'newest-k') return 'kept as one of the newest';
  if (decision.reason === 'protected') return 'kept: protected';
  return `kept: ${decision.detail}`;
}

function describeTimeline(args: {
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

/** Where the buckets a tier keeps begin, newest first: the current bucket's start, then one unit back each. */
function tierBoundaries(tier: TierName, count: number, now: Date, timeZone: string): number[] {
  const unit = TIER_UNIT[tier];
  const local = DateTime.fromJSDate(now, { zone: timeZone });
  // Hours are real hours (as the tiers count them); the rest are local calendar units.
  const start =
    unit === 'hour'
      ? now.getTime() - (now.getTime() % HOUR_MS)
      : local.startOf(unit === 'week' ? 'week' : unit).toMillis();
  const out: number[] = [];
  for (let k = 0; k < count; k++) {
    out.push(
      unit === 'hour'
        ? start - k * HOUR_MS
        : DateTime.fromMillis(start, { zone: timeZone })
            .minus({ [`${unit}s`]: k })
            .toMillis(),
    );
  }
  return out;
}

const TICK_STEPS: { ms: number; unit: 'hour' | 'day' | 'month'; n: number; format: string }[] = [
  { ms: 3 * HOUR_MS, unit: 'hour', n: 3, format: 'HH:mm' },
  { ms: 6 * HOUR_MS, unit: 'hour', n: 6, format: 'HH:mm' },
  { ms: 12 * HOUR_MS, unit: 'hour', n: 12, format: 'd LLL HH:mm' },
  { ms: DAY_MS, unit: 'day', n: 1, format: 'd LLL' },
  { ms: 2 * DAY_MS, unit: 'day', n: 2, format: 'd LLL' },
  { ms: 3 * DAY_MS, unit: 'day', n: 3, format: 'd LLL' },
  { ms: 7 * DAY_MS, unit: 'day', n: 7, format: 'd LLL' },
  { ms: 14 * DAY_MS, unit: 'day', n: 14, format: 'd LLL' },
  { ms: 30 * DAY_MS, unit: 'month', n: 1, format: 'LLL yyyy' },
  { ms: 91 * DAY_MS, unit: 'month', n: 3, format: 'LLL yyyy' },
  { ms: 365 * DAY_MS, unit: 'month', n: 12, format: 'yyyy' },
];

/** At most `maxTicks` labelled ticks on local boundaries (midnights, month starts) so they read as dates. */
function axisTicks(
  from: number,
  to: number,
  timeZone: string,
  maxTicks: number,
): { ms: number; label: string }[] {
  const step = TICK_STEPS.find((s) => s.ms >= (to - from) / maxTicks) ?? TICK_STEPS[TICK_STEPS.length - 1];
  let cursor = DateTime.fromMillis(from, { zone: timeZone }).setLocale('en-GB').startOf(step.unit);
  if (step.unit === 'hour') cursor = cursor.set({ hour: cursor.hour - (cursor.hour % step.n) });
  const ticks: { ms: number; label: string }[] = [];
  for (let guard = 0; guard < 200 && cursor.toMillis() <= to; guard++) {
    if (cursor.toMillis() >= from) ticks.push({ ms: cursor.toMillis(), label: cursor.toFormat(step.format) });
    cursor = cursor.plus({ [`${step.unit}s`]: step.n });
  }
  return ticks;
}

function shapePath(shape: MarkShape, x: number, y: number): string {
  switch (shape) {
    case 'circle':
      return `M${x - 5} ${y}a5 5 0 1 0 10 0a5 5 0 1 0 -10 0z`;
    case 'square':
      return `M${x - 4.5} ${y - 4.5}h9v9h-9z`;
    case 'diamond':
      return `M${x} ${y - 6}l6 6l-6 6l-6 -6z`;
    case 'triangle':
      return `M${x} ${y - 6}l6 10h-12z`;
  }
}

function formatSpan(ms: number): string {
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

function oldestFirst(a: TimelineSnapshot, b: TimelineSnapshot): number {
  return (a.created?.getTime() ?? 0) - (b.created?.getTime() ?? 0) || a.id - b.id;
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(Math.max(value, min), max);
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
