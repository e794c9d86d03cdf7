import { HetznerSnapshotsInitial1763852400001 } from './1763852400001-hetzner-snapshots-initial';
import { SnapshotListListedAt1763900000400 } from './1763900000400-snapshot-list-listed-at';
import { RestoreDrills1764600000000 } from './1764600000000-restore-drills';

/** The snapshot plugin's migrations in order; a host adds them to its own data source. */
export const hetznerSnapshotsMigrations = [
  HetznerSnapshotsInitial1763852400001,
  SnapshotListListedAt1763900000400,
  RestoreDrills1764600000000,
];
