import { HetznerSnapshotsInitial1763852400001 } from './1763852400001-hetzner-snapshots-initial';
import { SnapshotListListedAt1763900000400 } from './1763900000400-snapshot-list-listed-at';
import { ServerState1764590400500 } from './1764590400500-server-state';
import { ApiUsage1764590400600 } from './1764590400600-api-usage';
import { NotificationChannels1764600000000 } from './1764600000000-notification-channels';
import { RestoreDrills1764600000100 } from './1764600000100-restore-drills';

/** The snapshot plugin's migrations in order; a host adds them to its own data source. */
export const hetznerSnapshotsMigrations = [
  HetznerSnapshotsInitial1763852400001,
  SnapshotListListedAt1763900000400,
  ServerState1764590400500,
  ApiUsage1764590400600,
  NotificationChannels1764600000000,
  RestoreDrills1764600000100,
];
