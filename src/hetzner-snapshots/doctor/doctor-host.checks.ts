// The doctor's judgements of this machine: its clock against Hetzner's, and the panel's own files.
// Pure, like every doctor check.
import { formatDuration } from '../time/duration.format';
import { type DoctorCheck, fail, ok, warn } from './doctor-check';

// ----------------------------------------------------------------------------------------------- clock

/** Beyond this the clock is worth fixing; beyond the FAIL limit retention ages and schedules are off. */
export const CLOCK_WARN_MS = 5_000;
export const CLOCK_FAIL_MS = 5 * 60_000;
const CLOCK_HINT = 'Turn on time synchronisation: timedatectl set-ntp true (systemd-timesyncd or chrony).';

export type ClockFacts = { skewMs: number; roundTripMs: number } | { error: string } | { skipped: string };

export function judgeClock(facts: ClockFacts): DoctorCheck {
  const name = 'clock';
  if ('skipped' in facts) return warn(name, `Not checked: ${facts.skipped}`, null);
  if ('error' in facts) return warn(name, `Hetzner's time could not be read: ${facts.error}`, null);
  // The Date header has whole seconds and the request takes time: that much difference means nothing.
  const tolerance = CLOCK_WARN_MS + facts.roundTripMs / 2;
  const off = Math.abs(facts.skewMs);
  const direction = facts.skewMs > 0 ? 'ahead of' : 'behind';
  const seconds = (off / 1000).toFixed(off < 10_000 ? 1 : 0);
  if (off <= tolerance)
    return ok(
      name,
      `This server's clock is within ${CLOCK_WARN_MS / 1000} s of Hetzner's (${seconds} s ${direction}).`,
    );
  const message = `This server's clock is ${off >= 120_000 ? formatDuration(Math.round(off / 60_000) * 60_000) : `${seconds} s`} ${direction} Hetzner's; schedules and snapshot ages are computed from it.`;
  return off > CLOCK_FAIL_MS ? fail(name, message, CLOCK_HINT) : warn(name, message, CLOCK_HINT);
}

// ------------------------------------------------------------------------------------------ local files

export interface FileFacts {
  /** 'data-dir' | 'key-file' | 'database' */
  name: string;
  /** "DATA_DIR", "the key file", "the database" */
  label: string;
  path: string;
  kind: 'directory' | 'file';
  /** 0o700 for folders, 0o600 for files: nobody but the panel's user. */
  expectedMode: number;
  /** Readable by others is a FAIL for secrets (the key file), a WARN otherwise. */
  secret: boolean;
  /** null when the path does not exist. */
  stat: { mode: number; uid: number; isDirectory: boolean; writable: boolean } | null;
  processUid: number | null;
  /** When the path is legitimately absent, e.g. the key file while SECRET_KEY is set. */
  absentBecause?: string;
}

const octal = (mode: number) => `0${(mode & 0o777).toString(8).padStart(3, '0')}`;

export function judgeFile(facts: FileFacts): DoctorCheck {
  const { name, label, path } = facts;
  if (facts.absentBecause) return ok(name, `No ${label} in use: ${facts.absentBecause}.`);
  if (!facts.stat)
    return fail(
      name,
      `${label} ${path} does not exist.`,
      `Start the panel once as its user (it creates ${label}), or check DATA_DIR.`,
    );
  const { stat } = facts;
  if (stat.isDirectory !== (facts.kind === 'directory'))
    return fail(name, `${label} ${path} is not a ${facts.kind}.`, null);
  const expected = octal(facts.expectedMode);
  const chmod = `chmod ${expected.slice(1)} ${path}`;
  if (facts.processUid !== null && stat.uid !== facts.processUid) {
    return fail(
      name,
      `${label} ${path} belongs to uid ${stat.uid}, not to uid ${facts.processUid} that runs this check.`,
      `Run doctor as the panel's user (see docs/INSTALL.md), or give the panel its files: chown -R snapshot-panel:snapshot-panel ${path}`,
    );
  }
  if (!stat.writable)
    return fail(name, `${label} ${path} is not writable by the panel's user.`, `chmod u+w ${path}`);
  const extra = stat.mode & 0o777 & ~facts.expectedMode;
  if (extra & 0o077) {
    const message = `${label} ${path} has mode ${octal(stat.mode)}: other users on this server can ${facts.kind === 'directory' ? 'look inside' : 'read'} it (expected ${expected}).`;
    return facts.secret ? fail(name, message, chmod) : warn(name, message, chmod);
  }
  return ok(name, `${label} ${path} has mode ${octal(stat.mode)} and belongs to the panel's user.`);
}
