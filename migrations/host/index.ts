import { HostInitial1763852400000 } from './1763852400000-host-initial';

/** The host's migrations in order; a new one is appended here. */
export const hostMigrations = [HostInitial1763852400000];
