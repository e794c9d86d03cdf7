// The decisions of a restore drill, without I/O: which server type takes the snapshot, what it will cost,
// how a drill server is labelled and recognised, which left-over servers the clean-up may delete, and when a
// scheduled drill is due. Table-tested in drill.rules.spec.ts; the drill service only carries them out.
import type { HcloudImage, HcloudLabels, HcloudServer, HcloudServerTypeListing } from '../hcloud';
import { KIND_LABEL, PANEL_LABEL, PANEL_LABEL_VALUE, snapshotOrigin } from '../labels/snapshot-labels';

export const DRILL_KIND = 'drill';
/** The id of the server whose snapshot is drilled: how a restarted panel knows a drill server is its own. */
export const DRILL_OF_LABEL = 'snapshot-panel/drill-of';
export const DRILL_SNAPSHOT_LABEL = 'snapshot-panel/snapshot';
/** Lists every drill server of the project (all panels); drillServersToDelete then keeps only ours. */
export const DRILL_SERVER_SELECTOR = `${PANEL_LABEL}=${PANEL_LABEL_VALUE},${KIND_LABEL}=${DRILL_KIND}`;

export function drillServerLabels(opts: { panelServerId: number; imageId: number }): HcloudLabels {
  return {
    [PANEL_LABEL]: PANEL_LABEL_VALUE,
    [KIND_LABEL]: DRILL_KIND,
    [DRILL_OF_LABEL]: String(opts.panelServerId),
    [DRILL_SNAPSHOT_LABEL]: String(opts.imageId),
  };
}

/** A valid, unique-enough host name: the drill's record id makes two drills of one snapshot distinct. */
export function drillServerName(opts: { imageId: number; runId: number }): string {
  return `snapshot-panel-drill-${opts.imageId}-${opts.runId}`;
}

export function isDrillServer(labels: HcloudLabels | null | undefined): boolean {
  return labels?.[PANEL_LABEL] === PANEL_LABEL_VALUE && labels?.[KIND_LABEL] === DRILL_KIND;
}

export interface DrillServerTypeChoice {
  type: HcloudServerTypeListing;
  /** Gross, in the price list's currency. */
  hourlyGross: number;
  monthlyGross: number;
}

export type DrillServerTypeResult =
  { ok: true; choice: DrillServerTypeChoice } | { ok: false; reason: string };

/**
 * The cheapest server type that can boot the image here: same architecture, a disk at least the image's
 * `disk_size`, offered and not sold out in the location, not deprecated, with an hourly price there.
 * Ties go to the smaller disk, then the name, so the choice is stable.
 */
export function chooseDrillServerType(opts: {
  image: Pick<HcloudImage, 'architecture' | 'disk_size'>;
  types: HcloudServerTypeListing[];
  location: string;
}): DrillServerTypeResult {
  const { image, location } = opts;
  const candidates: DrillServerTypeChoice[] = [];
  for (const type of opts.types) {
    if (type.architecture !== image.architecture || type.disk < image.disk_size) continue;
    if (type.deprecated) continue;
    const here = type.locations?.find((l) => l.name === location);
    // An older answer without `locations` says nothing against the type; a listed one must be available.
    if (type.locations && (!here || !here.available || here.deprecation)) continue;
    const price = type.prices.find((p) => p.location === location);
    const hourlyGross = Number(price?.price_hourly.gross);
    const monthlyGross = Number(price?.price_monthly.gross);
    if (!price || !Number.isFinite(hourlyGross)) continue;
    candidates.push({ type, hourlyGross, monthlyGross });
  }
  candidates.sort(
    (a, b) =>
      a.hourlyGross - b.hourlyGross || a.type.disk - b.type.disk || a.type.name.localeCompare(b.type.name),
  );
  if (candidates[0]) return { ok: true, choice: candidates[0] };
  return {
    ok: false,
    reason: `No server type available in ${location} can take this snapshot (${image.architecture}, a disk of at least ${image.disk_size} GB).`,
  };
}

/** Minutes a drill likely takes: create and boot grow with the snapshot's size, plus checking and deleting. */
export function estimateDrillMinutes(imageSizeGb: number | null): number {
  return 3 + Math.ceil((imageSizeGb ?? 0) / 10);
}

/**
 * How long a rebuild of this size likely takes. Measured drills of this server teach it (seconds per GB of the
 * last drill that booted); without one, a minute plus a minute per 10 GB.
 */
export function estimateRestoreMinutes(
  imageSizeGb: number | null,
  measured: { bootSeconds: number; imageSizeGb: number | null } | null = null,
): number {
  const size = imageSizeGb ?? 0;
  if (measured && measured.imageSizeGb && measured.imageSizeGb > 0) {
    return Math.max(1, Math.ceil((measured.bootSeconds * (size / measured.imageSizeGb)) / 60));
  }
  return 1 + Math.ceil(size / 10);
}

/** Hetzner bills every started hour (up to the monthly cap): the cost of a server that lives `minutes`. */
export function drillCost(opts: { hourlyGross: number; monthlyGross?: number; minutes: number }): number {
  const hours = Math.max(1, Math.ceil(opts.minutes / 60));
  const cost = hours * opts.hourlyGross;
  const capped =
    opts.monthlyGross !== undefined && Number.isFinite(opts.monthlyGross) && opts.monthlyGross > 0
      ? Math.min(cost, opts.monthlyGross)
      : cost;
  return Math.round(capped * 10_000) / 10_000;
}

export function formatMoney(amount: number, currency: string): string {
  // Drills cost cents: four places would be noise, two would round a 0.6-cent hour to 0.01.
  return `${amount < 0.1 ? amount.toFixed(4) : amount.toFixed(2)} ${currency}`;
}

export interface LeftoverDrillServer {
  server: Pick<HcloudServer, 'id' | 'name' | 'labels' | 'created'>;
  reason: string;
}

/**
 * Which drill servers the clean-up deletes. A server must carry the drill labels, and then either have its id
 * in this panel's drill records, or name this panel's server in `snapshot-panel/drill-of` (that covers a crash
 * between Hetzner creating the server and the panel writing its id down). Never this panel's own server, and
 * never a drill server of another panel in the same project (its drill-of names another server, its id is not
 * ours). A recorded id without the drill labels is not enough either: the record could be wrong, the labels
 * are what Hetzner says about the server itself.
 */
export function drillServersToDelete(opts: {
  servers: Pick<HcloudServer, 'id' | 'name' | 'labels' | 'created'>[];
  recordedIds: ReadonlySet<number>;
  panelServerId: number;
  /** The server of a drill that is running right now (in this process or another): not left over. */
  activeServerIds?: ReadonlySet<number>;
}): LeftoverDrillServer[] {
  const out: LeftoverDrillServer[] = [];
  for (const server of opts.servers) {
    if (server.id === opts.panelServerId || !isDrillServer(server.labels)) continue;
    if (opts.activeServerIds?.has(server.id)) continue;
    if (opts.recordedIds.has(server.id)) out.push({ server, reason: 'its id is in the drill records' });
    else if (server.labels[DRILL_OF_LABEL] === String(opts.panelServerId))
      out.push({ server, reason: `it is labelled as a drill of server ${opts.panelServerId}` });
  }
  return out;
}

export const DRILL_SCHEDULES = ['off', 'weekly', 'monthly'] as const;
export type DrillSchedule = (typeof DRILL_SCHEDULES)[number];

const DAY_MS = 86_400_000;
const PERIOD_MS: Record<Exclude<DrillSchedule, 'off'>, number> = { weekly: 7 * DAY_MS, monthly: 30 * DAY_MS };

/** A scheduled drill is due when none started within the period (a failed one counts: no retry loop). */
export function isDrillDue(opts: {
  schedule: DrillSchedule;
  lastScheduledStart: Date | null;
  now: Date;
}): boolean {
  if (opts.schedule === 'off') return false;
  if (!opts.lastScheduledStart) return true;
  return opts.now.getTime() - opts.lastScheduledStart.getTime() >= PERIOD_MS[opts.schedule];
}

/** The snapshot a scheduled drill verifies: this server's newest available automatic snapshot. */
export function newestAutomaticSnapshot(images: HcloudImage[], serverId: number): HcloudImage | null {
  let newest: HcloudImage | null = null;
  for (const image of images) {
    if (image.type !== 'snapshot' || image.status !== 'available') continue;
    if (image.created_from?.id !== serverId || snapshotOrigin(image.labels) !== 'auto') continue;
    const [a, b] = [
      new Date(image.created).getTime(),
      newest ? new Date(newest.created).getTime() : -Infinity,
    ];
    // Times have whole seconds: within one, the higher id is the newer snapshot.
    if (!newest || a > b || (a === b && image.id > newest.id)) newest = image;
  }
  return newest;
}
