import { HetznerSnapshotsInitial1763852400001 } from './1763852400001-hetzner-snapshots-initial';

/** The snapshot plugin's migrations in order; a host adds them to its own data source. */
export const hetznerSnapshotsMigrations = [HetznerSnapshotsInitial1763852400001];
