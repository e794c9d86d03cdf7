// The decisions of a restore, without I/O: may this snapshot replace this server's disk, does the typed
// name confirm it, and how the safety snapshot is described and labelled. Table-tested in restore.rules.spec.
import type { HcloudImage, HcloudLabels, HcloudServer } from '../hcloud';
import { panelSnapshotLabels } from '../labels/snapshot-labels';

export type RestoreBlockerCode = 'not_snapshot' | 'other_server' | 'not_available' | 'rebuild_protected';

export interface RestoreBlocker {
  code: RestoreBlockerCode;
  message: string;
}

/** Why this image may not replace this server's disk, or null when it may. */
export function restoreBlocker(image: HcloudImage, server: HcloudServer): RestoreBlocker | null {
  if (image.type !== 'snapshot') {
    return {
      code: 'not_snapshot',
      message: `Image ${image.id} is a ${image.type} image, not a snapshot; the panel only restores snapshots.`,
    };
  }
  // Only this server's own snapshots: another server's disk would bring its identity, keys and data along.
  if (image.created_from?.id !== server.id) {
    return {
      code: 'other_server',
      message: `Snapshot ${image.id} was not taken of this server, so the panel will not put it on this server's disk.`,
    };
  }
  if (image.status !== 'available') {
    return {
      code: 'not_available',
      message: `Snapshot ${image.id} is ${image.status}, not available yet; wait until Hetzner has finished it.`,
    };
  }
  if (server.protection.rebuild) {
    return {
      code: 'rebuild_protected',
      message: `Server "${server.name}" is protected against rebuilding. Turn that protection off in the Hetzner Console (the server → Protection) first, if you really mean to replace its disk.`,
    };
  }
  return null;
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
