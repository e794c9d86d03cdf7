// How many servers, each taking an hourly automatic snapshot with a token of one project, fit in that
// project's API budget (a bucket of 3600 requests, refilled one per second, shared by every server).
// Simulated over a day: each server's requests at the moments its measured cycle makes them (or, for
// contrast, with an official SDK's fixed polling), every schedule on the same minute (the worst case).
// A fleet fits when its hourly total stays within the budget (otherwise the bucket only drains slower)
// and no request in the day finds the bucket empty.
import { stableOffsetMinutes } from '../src/hetzner-snapshots/schedule/schedule-spread';

export const BUDGET = 3600;
const REFILL_PER_SECOND = 1;
const SIMULATED_HOURS = 24;

/** When, in seconds after the cycle's start, its requests reach the API. */
export interface CycleShape {
  label: string;
  requestOffsets: number[];
}

export interface FleetFit {
  shape: string;
  requestsPerCycle: number;
  /** Servers that fit, all on the same minute. */
  servers: number;
  /** Their requests per hour, of the 3600. */
  requestsPerHour: number;
}

/** A cycle as measured: each request of it, and whether it polled the action. */
export type CycleTimeline = { atSeconds: number; poll: boolean }[];

/** The panel's own cycle, request by request as it reached the fake. */
export function panelShape(label: string, timeline: CycleTimeline): CycleShape {
  return { label, requestOffsets: timeline.map((request) => request.atSeconds).sort((a, b) => a - b) };
}

/** The same cycle with an SDK's waiter: the action asked about every `intervalSeconds` until it ends. */
export function sdkShape(
  label: string,
  timeline: CycleTimeline,
  actionSeconds: number,
  intervalSeconds: number,
): CycleShape {
  const others = timeline.filter((request) => !request.poll).map((request) => request.atSeconds);
  const polls = Array.from(
    { length: Math.ceil(actionSeconds / intervalSeconds) },
    (_, k) => (k + 1) * intervalSeconds,
  );
  return { label, requestOffsets: [...others, ...polls].sort((a, b) => a - b) };
}

/** Requests the budget could not serve in a day, for `servers` servers of this shape. */
export function throttledRequests(shape: CycleShape, servers: number, spreadMinutes: number): number {
  const events: number[] = [];
  for (let server = 0; server < servers; server++) {
    const offset = spreadMinutes > 0 ? stableOffsetMinutes(10_000_000 + server, spreadMinutes) * 60 : 0;
    for (let hour = 0; hour < SIMULATED_HOURS; hour++) {
      for (const at of shape.requestOffsets) events.push(hour * 3600 + offset + at);
    }
  }
  events.sort((a, b) => a - b);
  let tokens = BUDGET;
  let last = 0;
  let throttled = 0;
  for (const at of events) {
    tokens = Math.min(BUDGET, tokens + (at - last) * REFILL_PER_SECOND);
    last = at;
    if (tokens >= 1) tokens -= 1;
    else throttled++;
  }
  return throttled;
}

/** The most servers that fit (binary search over the simulation). */
export function fleetCapacity(shape: CycleShape, spreadMinutes = 0): number {
  const perCycle = Math.max(1, shape.requestOffsets.length);
  let fits = 0;
  let tooMany = Math.floor(BUDGET / perCycle) + 1;
  while (tooMany - fits > 1) {
    const middle = Math.floor((fits + tooMany) / 2);
    if (middle * perCycle <= BUDGET && throttledRequests(shape, middle, spreadMinutes) === 0) fits = middle;
    else tooMany = middle;
  }
  return fits;
}

export function fitFleet(shape: CycleShape): FleetFit {
  const servers = fleetCapacity(shape);
  return {
    shape: shape.label,
    requestsPerCycle: shape.requestOffsets.length,
    servers,
    requestsPerHour: servers * shape.requestOffsets.length,
  };
}
