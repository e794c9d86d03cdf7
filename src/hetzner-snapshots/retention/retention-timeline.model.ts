// The retention timeline's model: what buildRetentionTimeline is given and what it returns (numbers the
// hs-timeline partial draws into an inline SVG, and words), the order of the lanes and of the snapshots.
import type { SnapshotOrigin } from '../labels/snapshot-labels';
import type { RetentionPlan, RetentionPolicy } from './retention.policy';
import type { TierName } from './retention.tiers';

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

/** Top to bottom in the picture, and in this order in the words. */
export const LANE_ORDER: SnapshotOrigin[] = ['auto', 'manual', 'kept', 'external'];

/** Oldest first; equal times by the lower id. */
export function oldestFirst(a: TimelineSnapshot, b: TimelineSnapshot): number {
  return (a.created?.getTime() ?? 0) - (b.created?.getTime() ?? 0) || a.id - b.id;
}
