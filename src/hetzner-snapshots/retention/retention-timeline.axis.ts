// The retention timeline's geometry: the local boundaries of the tier buckets, the axis ticks, the marks'
// shapes as SVG paths, and the rounding of coordinates. Pure.
import { DateTime } from 'luxon';
import { TIER_UNIT, type TierName } from './retention.tiers';
import type { MarkShape } from './retention-timeline.model';

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;

/** Where the buckets a tier keeps begin, newest first: the current bucket's start, then one unit back each. */
export function tierBoundaries(tier: TierName, count: number, now: Date, timeZone: string): number[] {
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
export function axisTicks(
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

export function shapePath(shape: MarkShape, x: number, y: number): string {
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

export function clamp(value: number, min: number, max: number): number {
  return Math.min(Math.max(value, min), max);
}

export function round(value: number): number {
  return Math.round(value * 10) / 10;
}
