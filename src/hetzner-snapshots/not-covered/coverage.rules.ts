// What a snapshot does not cover, in words: volumes attached to the server (Hetzner's snapshots and backups never
// include them, and there is no volume-snapshot API) and Hetzner's own Backups, shown as theirs, not the panel's.
import type { DoctorCheck } from '../doctor/doctor.checks';

/** The guide on backing up a volume's files (docs/VOLUMES.md, served by the panel at this path). */
export const VOLUMES_GUIDE_PATH = '/guide/volumes';

export interface CoverageFacts {
  volumes: { id: number; name: string; sizeGb: number }[];
  /** Volume ids the server lists but whose details could not be read. */
  unreadVolumeIds: number[];
  backups: {
    enabled: boolean;
    window: string | null;
    count: number;
    sizeGb: number;
    monthlyCost: number | null;
    currency: string;
  };
}

export interface CoverageView {
  volumeWarning: string | null;
  volumes: { name: string; sizeText: string }[];
  guideHref: string;
  backupsText: string | null;
}

export function presentCoverage(facts: CoverageFacts): CoverageView {
  const names = [
    ...facts.volumes.map((v) => ({ name: v.name, sizeText: `${v.sizeGb} GB` })),
    ...facts.unreadVolumeIds.map((id) => ({ name: `volume ${id}`, sizeText: 'size unknown' })),
  ];
  const volumeWarning =
    names.length === 0
      ? null
      : `${names.length === 1 ? 'A volume is' : `${names.length} volumes are`} attached to this server: ${names
          .map((v) => `${v.name} (${v.sizeText})`)
          .join(
            ', ',
          )}. ${names.length === 1 ? 'It is' : 'They are'} not in any snapshot: Hetzner's snapshots and backups only hold the server's own disk, and there is no snapshot of a volume. Back up the files on ${names.length === 1 ? 'it' : 'them'} yourself.`;
  const b = facts.backups;
  const backupsText = b.enabled
    ? `Hetzner's own Backups are on for this server (window ${b.window ?? 'unknown'} UTC): ${b.count} backup${b.count === 1 ? '' : 's'}, ${b.sizeGb.toFixed(1)} GB${b.monthlyCost !== null ? `, ${b.monthlyCost.toFixed(2)} ${b.currency} a month (a share of the server's price)` : ''}. They are Hetzner's, kept and rotated by Hetzner (at most 7), separate from the panel's snapshots; they do not include volumes either.`
    : null;
  return { volumeWarning, volumes: names, guideHref: VOLUMES_GUIDE_PATH, backupsText };
}

/** doctor: a WARN naming every attached volume, since a restore would not bring its files back. */
export function judgeVolumes(
  facts: Pick<CoverageFacts, 'volumes' | 'unreadVolumeIds'> | { error: string },
): DoctorCheck {
  if ('error' in facts)
    return { name: 'volumes', level: 'WARN', message: `Not checked: ${facts.error}`, hint: null };
  const view = presentCoverage({
    ...facts,
    backups: { enabled: false, window: null, count: 0, sizeGb: 0, monthlyCost: null, currency: '' },
  });
  if (!view.volumeWarning)
    return {
      name: 'volumes',
      level: 'OK',
      message: "No volume is attached: the snapshots hold all of this server's storage.",
      hint: null,
    };
  return {
    name: 'volumes',
    level: 'WARN',
    message: view.volumeWarning,
    hint: `How to back up a volume's files (pre/post hooks and restic): docs/VOLUMES.md, also on the panel at ${VOLUMES_GUIDE_PATH}.`,
  };
}
