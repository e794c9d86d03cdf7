// How many servers, each running the panel with a token of one project, fit in that project's API budget (a
// bucket of 3600 requests, refilled one per second, shared by every server). Measured, not assumed: a project
// with N other servers, each keeping an hourly schedule for 7 days (168 snapshots with their server label), and
// this server with its own 169 (the oldest past retention). One panel, wired as `serve` wires it, in simulated
// time, spends what it spends per cycle and per refresh of the snapshots page; with the page open, the page
// reloads while the cycle's snapshot is being created, exactly as it would in a browser. Every request is
// counted from the fake's log. The same panel before its label backfill lists the project wide (every
// snapshot of every server, as the panel did before issue 13): that figure is shown beside it.
import { getRepositoryToken } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import type { Clock } from '../src/clock/clock';
import { stableOffsetMinutes } from '../src/hetzner-snapshots/schedule/schedule-spread';
import { LabelBackfillService } from '../src/hetzner-snapshots/labels/label-backfill.service';
import { panelSnapshotLabels } from '../src/hetzner-snapshots/labels/snapshot-labels';
import { SnapshotCycleService } from '../src/hetzner-snapshots/cycle/snapshot-cycle.service';
import { PanelSettings } from '../src/hetzner-snapshots/settings/panel-settings.entity';
import { SnapshotListingService } from '../src/hetzner-snapshots/snapshots/snapshot-listing.service';
import { HOUR_MS, startInProcessPanel, startWorld, WebSession } from './bench-panel';

export const BUDGET = 3600;
const REFILL_PER_SECOND = 1;
const SIMULATED_HOURS = 24;
/** An hourly schedule kept 7 days: what every server of the project keeps. */
export const SNAPSHOTS_PER_SERVER = 168;
const PAGE_SIZE = 50;
/** The wide listing is measured up to here; beyond, its pages are counted from the rule it follows. */
const WIDE_MEASURED_UP_TO = 100;

/** When, in seconds after the cycle's start, its requests reach the API. */
export interface CycleShape {
  label: string;
  requestOffsets: number[];
}

/** What one server's panel spends, measured in a project with `otherServers` other servers. */
export interface FleetCosts {
  otherServers: number;
  snapshotsInProject: number;
  actionSeconds: number;
  /** Listing by the server label (after the backfill, polls learned): flat in N. */
  byLabel: {
    perCycle: number;
    perRefresh: number;
    /** With the snapshots page open: the views the page made while the cycle's snapshot was being created. */
    pageViewsPerCycle: number;
    /** Of those views, the ones that listed snapshots from Hetzner. */
    refreshesPerCycle: number;
    pageRequestsPerCycle: number;
    /** An hourly cycle plus the open page's requests. */
    perHour: number;
  };
  /** The old wide listing (every snapshot of the project, filtered by created_from), first cycle's polling. */
  wide: {
    perCycle: number;
    perRefresh: number;
    /** The same page views as above, each refresh listing the whole project. */
    perHour: number;
    /** false: counted from the pages the listing needs (measured up to WIDE_MEASURED_UP_TO other servers). */
    measured: boolean;
  };
  /** Each request of the by-label hour (cycle and open page), in seconds after the cycle began. */
  timeline: number[];
}

export interface FleetSummary {
  budgetPerHour: number;
  snapshotsPerServer: number;
  actionSeconds: number;
  costs: FleetCosts[];
  /** The most servers (this one included) that fit with the page open on every one, all on the same minute. */
  largestFleet: { byLabel: number; wide: number; byLabelPageClosed: number; widePageClosed: number };
}

/**
 * A project of `otherServers` other panels and this one. Measures the wide listing first (before the label
 * backfill), then runs the backfill and two cycles to learn the snapshot's duration, then one hour with the
 * snapshots page open.
 */
export async function measureFleetCosts(
  otherServers: number,
  actionMs: number,
  wideModel: WideModel | null,
): Promise<FleetCosts> {
  const world = await startWorld({ actionDurationMs: actionMs, rateLimit: 1_000_000_000 });
  const { fake, serverId } = world;
  const now = fake.now().getTime();
  for (let s = 0; s < otherServers; s++) {
    const other = fake.addServer({ name: `other-${s}` });
    for (let k = 0; k < SNAPSHOTS_PER_SERVER; k++)
      fake.addImage({
        serverId: other.id,
        labels: panelSnapshotLabels('auto', other.id),
        created: new Date(now - (k + 0.5) * HOUR_MS),
      });
  }
  // This server's own: one more than retention keeps, so each cycle deletes one, as in the steady state.
  for (let k = 0; k <= SNAPSHOTS_PER_SERVER; k++)
    fake.addImage({
      serverId,
      labels: panelSnapshotLabels('auto', serverId),
      created: new Date(now - (k + 0.5) * HOUR_MS),
    });
  const snapshotsInProject = (otherServers + 1) * SNAPSHOTS_PER_SERVER + 1;

  const page = new OpenPage();
  const clock: Clock = {
    now: () => fake.now(),
    async sleep(ms, signal) {
      // The cycle's waits pass in steps of at most 5 s, so an open page reloads as a browser's would.
      for (let left = ms; left > 0;) {
        if (signal?.aborted) throw signal.reason;
        const step = Math.min(left, 5_000);
        fake.advance(step);
        left -= step;
        await page.tick(step);
      }
      await new Promise((resolve) => setImmediate(resolve));
    },
  };
  const panel = await startInProcessPanel(world, clock);
  try {
    await panel
      .get<Repository<PanelSettings>>(getRepositoryToken(PanelSettings))
      .update({ id: 1 }, { retentionDays: 7, keepMin: 3, frequency: '1h' });
    const cycles = panel.get<SnapshotCycleService>(SnapshotCycleService);
    const snapshots = panel.get<SnapshotListingService>(SnapshotListingService);
    const apiCount = () => fake.requests.filter((r) => r.path.startsWith('/v1/')).length;
    const counted = async (work: () => Promise<unknown>) => {
      const before = apiCount();
      await work();
      return apiCount() - before;
    };
    const cycle = async () => {
      const outcome = await cycles.runCycle({ trigger: 'schedule' });
      if (outcome.status !== 'succeeded')
        throw new Error(`a fleet cycle ${outcome.status}: ${outcome.message}`);
    };
    const nextHour = () => fake.advance(HOUR_MS);

    const measureWide = otherServers <= WIDE_MEASURED_UP_TO || !wideModel;
    let widePerCycle: number;
    let widePerRefresh: number;
    if (measureWide) {
      widePerCycle = await counted(cycle);
      nextHour();
      await snapshots.freshListing();
      widePerRefresh = await counted(() => snapshots.freshListing());
    } else {
      widePerCycle = -1;
      widePerRefresh = -1;
    }

    const backfill = await panel.get<LabelBackfillService>(LabelBackfillService).runIfDue();
    if (backfill.status !== 'completed') throw new Error(`the label backfill ${backfill.status}`);
    // Two confirmed cycles teach the panel how long this server's snapshots take.
    for (let i = 0; i < 2; i++) {
      nextHour();
      await cycle();
    }
    nextHour();
    // Prices and the server's details are due every 6 h: fetched here, so the refresh measured is the list's.
    await snapshots.freshListing();
    const perRefresh = await counted(() => snapshots.freshListing());
    nextHour();
    const perCycle = await counted(cycle);

    // One hour with the page open: signed in, viewed when the hour begins, and (the worst case) looked at again
    // as soon as the cycle's snapshot has started, so it reloads while that snapshot is being created (every
    // 5 s, as panel.js does; the list is refreshed at most every 30 s) until it stops asking.
    nextHour();
    const session = new WebSession(panel.url);
    await session.signIn();
    const from = fake.requests.length;
    const began = fake.now().getTime();
    page.open(session, () => apiCount());
    await page.view();
    page.reloadSoon();
    await cycle();
    await page.settle();
    page.close();
    const hour = fake.requests.slice(from).filter((r) => r.path.startsWith('/v1/'));
    const timeline = hour.map((r) => Math.max(0, (r.at.getTime() - began) / 1000)).sort((a, b) => a - b);
    const perHour = hour.length;
    const pageRequestsPerCycle = page.requests;
    const pageViewsPerCycle = page.views;

    if (!measureWide && wideModel) {
      const pages = Math.ceil(snapshotsInProject / PAGE_SIZE);
      widePerCycle = wideModel.fixedPerCycle + pages;
      widePerRefresh = wideModel.fixedPerRefresh + pages;
    }
    return {
      otherServers,
      snapshotsInProject,
      actionSeconds: actionMs / 1000,
      byLabel: {
        perCycle,
        perRefresh,
        pageViewsPerCycle,
        refreshesPerCycle: page.refreshes,
        pageRequestsPerCycle,
        perHour,
      },
      wide: {
        perCycle: widePerCycle,
        perRefresh: widePerRefresh,
        perHour: widePerCycle + page.refreshes * widePerRefresh,
        measured: measureWide,
      },
      timeline,
    };
  } finally {
    page.close();
    await panel.close();
    await fake.close();
  }
}

/** The snapshots page in a browser tab: reloads when it says so (data-refresh-seconds), as panel.js does. */
class OpenPage {
  private session: WebSession | null = null;
  private count: () => number = () => 0;
  private reloadInMs: number | null = null;
  views = 0;
  requests = 0;
  /** Views that listed snapshots from Hetzner. */
  refreshes = 0;

  open(session: WebSession, count: () => number): void {
    this.session = session;
    this.count = count;
    this.views = 0;
    this.requests = 0;
    this.refreshes = 0;
  }

  close(): void {
    this.session = null;
    this.reloadInMs = null;
  }

  async view(): Promise<void> {
    if (!this.session) return;
    const before = this.count();
    const res = await this.session.get('/snapshots');
    if (res.status !== 200) throw new Error(`GET /snapshots answered ${res.status}`);
    const spent = this.count() - before;
    this.views++;
    this.requests += spent;
    if (spent > 0) this.refreshes++;
    const seconds = /data-refresh-seconds="(\d+)"/.exec(res.text)?.[1];
    this.reloadInMs = seconds ? Number(seconds) * 1000 : null;
  }

  /** Someone looks at the page again at the next moment the clock moves (the cycle's first wait). */
  reloadSoon(): void {
    this.reloadInMs = 0;
  }

  /** Time has passed: reload if the page asked to by now. */
  async tick(ms: number): Promise<void> {
    if (this.reloadInMs === null) return;
    this.reloadInMs -= ms;
    if (this.reloadInMs <= 0) await this.view();
  }

  /** After the cycle: the page keeps reloading until it no longer asks to (at most 10 minutes). */
  async settle(): Promise<void> {
    for (let waited = 0; this.reloadInMs !== null && waited < 600_000; waited += 5_000) {
      await this.tick(5_000);
    }
  }
}

/** What the wide listing costs beyond its pages, from a measured point: the pages follow from the project. */
export interface WideModel {
  fixedPerCycle: number;
  fixedPerRefresh: number;
}

export function wideModelOf(measured: FleetCosts): WideModel {
  const pages = Math.ceil(measured.snapshotsInProject / PAGE_SIZE);
  return { fixedPerCycle: measured.wide.perCycle - pages, fixedPerRefresh: measured.wide.perRefresh - pages };
}

/** One server's wide hour in a project of `servers` servers, with the page open (`refreshes` listings). */
export function wideHour(model: WideModel, servers: number, refreshes: number): number {
  const pages = Math.ceil((servers * SNAPSHOTS_PER_SERVER + 1) / PAGE_SIZE);
  return model.fixedPerCycle + pages + refreshes * (model.fixedPerRefresh + pages);
}

/** The most servers (this one included) that fit with the page open on every one, all on the same minute. */
export function largestFleet(costs: FleetCosts[], model: WideModel): FleetSummary['largestFleet'] {
  const last = costs[costs.length - 1];
  const byLabel = fleetCapacity({ label: 'by label', requestOffsets: last.timeline });
  const wideFits = (refreshes: number) => {
    let servers = 0;
    while (servers < BUDGET && (servers + 1) * wideHour(model, servers + 1, refreshes) <= BUDGET) servers++;
    return servers;
  };
  return {
    byLabel,
    wide: wideFits(last.byLabel.refreshesPerCycle),
    // Nobody looking: the cycle alone (the bucket holds an hour, so the hourly total is the limit).
    byLabelPageClosed: Math.floor(BUDGET / last.byLabel.perCycle),
    widePageClosed: wideFits(0),
  };
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

/** The most servers that fit (binary search over the simulation): hourly total and no empty bucket. */
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
