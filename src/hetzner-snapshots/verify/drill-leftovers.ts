// The crash clean-up of restore drills: which drill servers were left behind (a stop cut a drill off, or a
// delete failed), as doctor sees them, and deleting them with the records of the drills they belonged to closed.
// Which servers may be deleted is one pure rule, drillServersToDelete; these functions carry it out.
import type { Clock } from '../../clock/clock';
import type { HcloudClient } from '../hcloud';
import type { LeaseService } from '../lease/lease.service';
import type { PluginLogger } from '../logging/plugin.logger';
import { DRILL_LEASE } from './drill-lease';
import { DRILL_SERVER_SELECTOR, drillServersToDelete, type LeftoverDrillServer } from './drill.rules';
import type { DrillRunStore } from './drill-run.store';

/** Left-over drill servers as doctor sees them: without deleting anything. */
export async function findDrillLeftovers(
  deps: { leases: LeaseService; store: DrillRunStore; clock: Clock },
  client: HcloudClient,
  panelServerId: number,
): Promise<{ leftovers: LeftoverDrillServer[]; drillRunning: boolean }> {
  const { leases, store, clock } = deps;
  const holder = await leases.holder(DRILL_LEASE);
  const drillRunning = holder !== null && holder.expiresAt > clock.now();
  const servers = await client.listServers({ label_selector: DRILL_SERVER_SELECTOR });
  const recordedIds = await store.recordedServerIds();
  const active = drillRunning ? await store.undeletedServerIds() : new Set<number>();
  return {
    leftovers: drillServersToDelete({ servers, recordedIds, panelServerId, activeServerIds: active }),
    drillRunning,
  };
}

/** Deletes this panel's left-over drill servers (see drillServersToDelete) and closes the records of drills a
 * stop cut off. The caller holds the drill lease. */
export async function deleteDrillLeftovers(
  deps: {
    store: DrillRunStore;
    clock: Clock;
    logger: PluginLogger;
    /** The server of the drill running in this process (null when none): never a left-over. */
    activeServerId: () => number | null;
  },
  client: HcloudClient,
  panelServerId: number,
): Promise<LeftoverDrillServer[]> {
  const { store, clock, logger } = deps;
  const servers = await client.listServers({ label_selector: DRILL_SERVER_SELECTOR });
  const recordedIds = await store.recordedServerIds();
  const activeId = deps.activeServerId();
  const active = activeId !== null ? new Set([activeId]) : undefined;
  const leftovers = drillServersToDelete({ servers, recordedIds, panelServerId, activeServerIds: active });
  for (const { server, reason } of leftovers) {
    await client.deleteServer(server.id);
    logger.warn(`deleted left-over drill server ${server.id} (${server.name}): ${reason}`);
    await store.cleanedUp(
      server.id,
      clock.now(),
      `The drill was cut off (the panel stopped); its server ${server.id} was deleted by the clean-up.`,
    );
  }
  // Drills still marked running under our lease were cut off; their servers (if any) are gone now.
  const alive = new Set(servers.map((s) => s.id));
  for (const run of await store.unfinished()) {
    if (run.drillServerId !== null && run.drillServerId === deps.activeServerId()) continue;
    if (
      run.drillServerId !== null &&
      alive.has(run.drillServerId) &&
      !leftovers.some((l) => l.server.id === run.drillServerId)
    )
      continue;
    await store.interrupted(
      run.id,
      clock.now(),
      run.drillServerId === null
        ? 'The drill was cut off (the panel stopped) before Hetzner created its server.'
        : `The drill was cut off (the panel stopped); its server ${run.drillServerId} is gone or no longer carries the drill labels, so the panel left server ${run.drillServerId} alone.`,
    );
    if (run.drillServerId !== null) await store.serverDeleted(run.id, clock.now());
  }
  return leftovers;
}
