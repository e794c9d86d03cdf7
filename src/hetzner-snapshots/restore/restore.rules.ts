// The decisions of a restore, without I/O: may this snapshot replace this server's disk, does the typed
// name confirm it, and how the safety snapshot is described and labelled. Table-tested in restore.rules.spec.
import type { HcloudImage, HcloudLabels, HcloudServer } from '../hcloud';
import { panelSnapshotLabels } from '../labels/snapshot-labels';

export type RestoreBlockerCode =
  | 'not_snapshot'
  | 'other_server'
  | 'not_available'
  | 'architecture'
  | 'disk_too_big'
  | 'locked'
  | 'rebuild_protected'
  | 'safety_snapshot';

export interface RestoreBlocker {
  code: RestoreBlockerCode;
  message: string;
}

/** One line of the checks shown before the typed confirmation: passed or not, and in words either way. */
export interface RestoreCheck {
  code: RestoreBlockerCode;
  ok: boolean;
  message: string;
}

/** What may keep the safety snapshot from being taken, as far as the panel can know before trying. */
export interface SafetySnapshotFacts {
  /** Requests left in the project's hourly budget (RateLimit-Remaining), null when not known. */
  rateLimitRemaining: number | null;
  /** The near-limit warning when the next snapshot will likely be refused, else null. */
  limitRefusal: string | null;
}

/** A safety snapshot and its polling take about this many requests; fewer left and it may stall half-way. */
export const SAFETY_SNAPSHOT_MIN_REQUESTS = 20;

const HOW_TO_LIFT_REBUILD_PROTECTION =
  'Lift it in the Hetzner Console (the server → Protection: rebuild and delete protection go together) or with `hcloud server disable-protection NAME delete rebuild`, then come back, if you really mean to replace its disk.';

/**
 * Every check a restore must pass before anything changes, in order. The server's type and lock state are
 * checked when the server object has them; `safety` null means no safety snapshot is asked for.
 */
export function restoreChecks(
  image: HcloudImage,
  server: HcloudServer,
  safety: SafetySnapshotFacts | null = null,
): RestoreCheck[] {
  const checks: RestoreCheck[] = [];
  const add = (code: RestoreBlockerCode, ok: boolean, okText: string, failText: string) =>
    checks.push({ code, ok, message: ok ? okText : failText });
  if (image.type !== 'snapshot') {
    add(
      'not_snapshot',
      false,
      '',
      `Image ${image.id} is a ${image.type} image, not a snapshot; the panel only restores snapshots.`,
    );
    return checks;
  }
  // Only this server's own snapshots: another server's disk would bring its identity, keys and data along.
  if (image.created_from?.id !== server.id) {
    add(
      'other_server',
      false,
      '',
      `Snapshot ${image.id} was not taken of this server, so the panel will not put it on this server's disk.`,
    );
    return checks;
  }
  add(
    'not_available',
    image.status === 'available',
    `Snapshot ${image.id} is available.`,
    `Snapshot ${image.id} is ${image.status}, not available yet; wait until Hetzner has finished it.`,
  );
  const type = server.server_type;
  if (type?.architecture && image.architecture) {
    add(
      'architecture',
      image.architecture === type.architecture,
      `Its architecture (${image.architecture}) matches the server's (${type.name}).`,
      `Snapshot ${image.id} is for ${image.architecture}, but ${server.name} is a ${type.name} (${type.architecture}); a rebuild would not boot.`,
    );
  }
  if (type?.disk !== undefined) {
    add(
      'disk_too_big',
      image.disk_size <= type.disk,
      `Its disk (${image.disk_size} GB) fits the server type's disk (${type.disk} GB).`,
      `Snapshot ${image.id} needs a disk of ${image.disk_size} GB, but a ${type.name} has ${type.disk} GB; Hetzner would refuse the rebuild. Resize the server to a type with at least ${image.disk_size} GB first.`,
    );
  }
  if (server.locked !== undefined) {
    add(
      'locked',
      !server.locked,
      'The server is not locked by another action.',
      `Server "${server.name}" is locked: another action (a backup, a resize, a snapshot) is running on it. Try again when it has finished.`,
    );
  }
  add(
    'rebuild_protected',
    !server.protection.rebuild,
    'The server has no rebuild protection.',
    `Server "${server.name}" is protected against rebuilding. ${HOW_TO_LIFT_REBUILD_PROTECTION}`,
  );
  if (safety) {
    const budgetShort =
      safety.rateLimitRemaining !== null && safety.rateLimitRemaining < SAFETY_SNAPSHOT_MIN_REQUESTS;
    add(
      'safety_snapshot',
      !budgetShort && safety.limitRefusal === null,
      "A safety snapshot can be taken (API budget and the project's snapshot limit allow it).",
      budgetShort
        ? `Only ${safety.rateLimitRemaining} API requests are left in this hour's budget; a safety snapshot needs about ${SAFETY_SNAPSHOT_MIN_REQUESTS}. Wait for the budget to refill (one request per second).`
        : `A safety snapshot would likely be refused: ${safety.limitRefusal}`,
    );
  }
  return checks;
}

/** Why this image may not replace this server's disk (the first failed check), or null when it may. */
export function restoreBlocker(
  image: HcloudImage,
  server: HcloudServer,
  safety: SafetySnapshotFacts | null = null,
): RestoreBlocker | null {
  const failed = restoreChecks(image, server, safety).find((c) => !c.ok);
  return failed ? { code: failed.code, message: failed.message } : null;
}

/** The typed confirmation must be the server's name, exactly (spaces around it aside). */
export function confirmsServerName(typed: string, server: Pick<HcloudServer, 'name'>): boolean {
  return typed.trim() === server.name;
}

/** A manual snapshot of the panel, so retention never deletes it and the snapshots page says who made it. */
export function safetySnapshotLabels(serverId: number): HcloudLabels {
  return panelSnapshotLabels('manual', serverId);
}

export function safetySnapshotDescription(target: Pick<HcloudImage, 'id'>, now: Date): string {
  return `safety snapshot before restore from snapshot ${target.id}, ${now.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
