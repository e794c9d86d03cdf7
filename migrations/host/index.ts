import { HostInitial1763852400000 } from './1763852400000-host-initial';
import { HostTwoFactorAndSignIns1764590400000 } from './1764590400000-host-two-factor-and-sign-ins';

/** The host's migrations in order; a new one is appended here. */
export const hostMigrations = [HostInitial1763852400000, HostTwoFactorAndSignIns1764590400000];
