// Owns the labels the panel puts on its snapshots and the label selectors that find them again: the cycle,
// the snapshots page, restore and the label backfill all build them here, so the names never drift. Labels
// are an interface users script against (README "Labels"): change them only with a migration path.

export const PANEL_LABEL = 'managed-by';
export const PANEL_LABEL_VALUE = 'snapshot-panel';
/** 'auto' | 'manual' | 'kept' */
export const KIND_LABEL = 'snapshot-panel/kind';
/** The id (decimal) of the server the snapshot was made from, so one server's snapshots are selected by label. */
export const SERVER_LABEL = 'snapshot-panel/server';

export type PanelSnapshotKind = 'auto' | 'manual' | 'kept';
/** Who made a snapshot, by its labels: this panel (and as which kind), or someone else. */
export type SnapshotOrigin = PanelSnapshotKind | 'external';

/** managed-by=snapshot-panel plus a known kind; anything else, including an unknown kind, is external. */
export function snapshotOrigin(labels: Record<string, string> | null | undefined): SnapshotOrigin {
  if (labels?.[PANEL_LABEL] !== PANEL_LABEL_VALUE) return 'external';
  const kind = labels[KIND_LABEL];
  return kind === 'auto' || kind === 'manual' || kind === 'kept' ? kind : 'external';
}

/**
 * Snapshots made elsewhere are someone else's: this panel never deletes them or lowers their protection.
 * The snapshots page (which buttons it shows) and the service (what it refuses) both ask this.
 */
export function panelMayDeleteOrUnprotect(labels: Record<string, string> | null | undefined): boolean {
  return snapshotOrigin(labels) !== 'external';
}

/** The labels a new snapshot of `serverId` carries. */
export function panelSnapshotLabels(kind: PanelSnapshotKind, serverId: number): Record<string, string> {
  return { [PANEL_LABEL]: PANEL_LABEL_VALUE, [KIND_LABEL]: kind, [SERVER_LABEL]: String(serverId) };
}

/** `labels` with the server label added; every other label stays, as it may belong to another tool. */
export function withServerLabel(labels: Record<string, string>, serverId: number): Record<string, string> {
  return { ...labels, [SERVER_LABEL]: String(serverId) };
}

/** What the server label says about the source server: a number, 'absent', or 'unreadable'. */
export function serverLabelOf(
  labels: Record<string, string> | null | undefined,
): number | 'absent' | 'unreadable' {
  const raw = labels?.[SERVER_LABEL];
  if (raw === undefined) return 'absent';
  return /^[1-9][0-9]{0,15}$/.test(raw) ? Number(raw) : 'unreadable';
}

/** The selectors, by what they are for. */
export const selectors = {
  /** The prune's listing once the backfill is done: exactly this server's automatic snapshots. */
  autoOfServer: (serverId: number) =>
    `${PANEL_LABEL}=${PANEL_LABEL_VALUE},${SERVER_LABEL}=${serverId},${KIND_LABEL}=auto`,
  /** Every snapshot the panel made of this server (auto, manual, kept), for the snapshots page. */
  panelOfServer: (serverId: number) => `${PANEL_LABEL}=${PANEL_LABEL_VALUE},${SERVER_LABEL}=${serverId}`,
  /**
   * The prune's safe fallback while the backfill is incomplete: every automatic snapshot of the project,
   * filtered by created_from afterwards. Costs a page per 50 of every server's snapshots.
   */
  autoOfProject: () => `${PANEL_LABEL}=${PANEL_LABEL_VALUE},${KIND_LABEL}=auto`,
  /** The backfill's work list: the panel's snapshots (of any server) that do not carry a server label yet. */
  panelWithoutServerLabel: () => `${PANEL_LABEL}=${PANEL_LABEL_VALUE},!${SERVER_LABEL}`,
  /**
   * Snapshots not made by this panel ("made elsewhere"), of every server: filtered by created_from afterwards.
   * `!=` also matches a missing key (the API's own example), so another tool's `managed-by=x` is included.
   */
  madeElsewhere: () => `${PANEL_LABEL}!=${PANEL_LABEL_VALUE}`,
} as const;
