// One row of the snapshots page (and of the CLI's list): a snapshot with its status, its origin, what retention
// will do with it and which actions it offers. Pure, like the rest of the presenter.
import { formatDay, formatPanelTime } from '../time/panel-time.format';
import type { HcloudImage } from '../hcloud';
import { panelMayDeleteOrUnprotect, snapshotOrigin, type SnapshotOrigin } from '../labels/snapshot-labels';
import type { RetentionDecision, RetentionPolicy } from '../retention/retention.policy';
import { formatRelative } from '../time/duration.format';
import { formatGb } from './snapshot-format';

export type BadgeTone = 'ok' | 'warn' | 'danger' | 'info' | 'muted';

export interface SnapshotRowView {
  id: number;
  /** Raw text; the template escapes it (descriptions come from anywhere, HTML included). */
  description: string;
  createdIso: string;
  createdText: string;
  createdRelative: string;
  sizeText: string;
  status: {
    label: string;
    tone: BadgeTone;
    progress: number | null;
    showProgress: boolean;
    creating: boolean;
  };
  origin: { kind: SnapshotOrigin; label: string; tone: BadgeTone; detail: string };
  protected: boolean;
  /** `short` is for the phone list's one line of badges: "until 29 Nov" for "kept until 29 Nov 2026, 03:30 CET". */
  retention: { text: string; short: string; tone: BadgeTone; detail: string };
  actions: {
    base: string;
    deleteHref: string | null;
    /** "Rebuild this server from this snapshot" (the restore feature's page); available snapshots only. */
    restoreHref: string | null;
    canProtect: boolean;
    canUnprotect: boolean;
    canKeep: boolean;
    canUnkeep: boolean;
  };
}

/** What a row needs of the presenter's input. */
export interface SnapshotRowContext {
  policy: RetentionPolicy | null;
  now: Date;
  timeZone: string;
  progress?: Map<number, number>;
  basePath: string;
}

export function presentRow(
  image: HcloudImage,
  input: SnapshotRowContext,
  decision: RetentionDecision | null,
  problem: string | null,
): SnapshotRowView {
  const created = new Date(image.created);
  const validCreated = !Number.isNaN(created.getTime());
  const origin = snapshotOrigin(image.labels);
  const mayChange = panelMayDeleteOrUnprotect(image.labels);
  const isProtected = image.protection?.delete === true;
  const creating = image.status === 'creating';
  const base = `${input.basePath}/${image.id}`;
  return {
    id: image.id,
    description: image.description ?? '',
    createdIso: validCreated ? created.toISOString() : '',
    createdText: validCreated ? formatPanelTime(created, input.timeZone) : 'unknown',
    createdRelative: validCreated ? formatRelative(created, input.now) : '',
    sizeText: creating ? '—' : formatGb(image.image_size),
    status: presentStatus(image, input.progress?.get(image.id)),
    origin: ORIGINS[origin],
    protected: isProtected,
    retention: presentRetention(origin, decision, input, problem),
    actions: {
      base,
      deleteHref: !isProtected && !creating && mayChange ? `${base}/delete` : null,
      restoreHref: image.status === 'available' ? `${base}/restore` : null,
      canProtect: !isProtected && !creating,
      canUnprotect: isProtected && mayChange,
      canKeep: origin === 'auto' && !creating,
      canUnkeep: origin === 'kept',
    },
  };
}

export const ORIGINS: Record<SnapshotOrigin, SnapshotRowView['origin']> = {
  auto: { kind: 'auto', label: 'automatic', tone: 'info', detail: 'on schedule, by this panel' },
  manual: { kind: 'manual', label: 'manual', tone: 'info', detail: 'by hand, in this panel' },
  kept: { kind: 'kept', label: 'kept', tone: 'ok', detail: 'marked to keep in this panel' },
  external: {
    kind: 'external',
    label: 'made elsewhere',
    tone: 'muted',
    detail: 'console, CLI or another tool',
  },
};

function presentStatus(image: HcloudImage, progress: number | undefined): SnapshotRowView['status'] {
  if (image.status === 'creating') {
    const p = progress === undefined ? null : Math.max(0, Math.min(100, Math.round(progress)));
    return {
      label: p === null ? 'creating' : `creating ${p}%`,
      tone: 'warn',
      progress: p,
      showProgress: p !== null,
      creating: true,
    };
  }
  if (image.status === 'available')
    return { label: 'available', tone: 'ok', progress: null, showProgress: false, creating: false };
  if (image.status === 'unavailable')
    return { label: 'unavailable', tone: 'danger', progress: null, showProgress: false, creating: false };
  return { label: String(image.status), tone: 'muted', progress: null, showProgress: false, creating: false };
}

function presentRetention(
  origin: SnapshotOrigin,
  decision: RetentionDecision | null,
  input: SnapshotRowContext,
  problem: string | null,
): SnapshotRowView['retention'] {
  if (origin === 'kept')
    return {
      text: 'kept: marked to keep',
      short: 'kept',
      tone: 'ok',
      detail: 'Retention never removes a kept snapshot.',
    };
  if (origin !== 'auto')
    return {
      text: 'never removed by retention',
      short: 'never pruned',
      tone: 'muted',
      detail: 'Retention only ever removes automatic snapshots.',
    };
  if (!decision) return { text: '—', short: '—', tone: 'muted', detail: problem ?? '' };
  if (decision.action === 'delete')
    return {
      text: 'removed at the next prune',
      short: 'pruned next',
      tone: 'warn',
      detail: capitalize(decision.detail),
    };
  const detail = capitalize(decision.detail);
  switch (decision.reason) {
    case 'newest-k':
      return {
        text: `kept: among the newest ${input.policy?.keepMin}`,
        short: `newest ${input.policy?.keepMin}`,
        tone: 'ok',
        detail,
      };
    case 'protected':
      return { text: 'kept: protected', short: 'protected', tone: 'ok', detail };
    case 'not-available':
      return { text: 'kept: not finished', short: 'not finished', tone: 'muted', detail };
    case 'future-date':
      return { text: 'kept: dated in the future', short: 'future date', tone: 'warn', detail };
    default:
      if (decision.keepUntil)
        return {
          text: `kept until ${formatPanelTime(decision.keepUntil, input.timeZone)}`,
          short: `until ${formatDay(decision.keepUntil, input.timeZone)}`,
          tone: 'muted',
          detail,
        };
      return { text: 'kept', short: 'kept', tone: 'muted', detail };
  }
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
