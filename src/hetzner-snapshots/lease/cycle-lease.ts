/** One lease for everything that creates, deletes or relabels snapshots, shared by the server and CLI commands. */
export const CYCLE_LEASE = 'hetzner-snapshots.cycle';
export const CYCLE_LEASE_TTL_MS = 10 * 60_000;
