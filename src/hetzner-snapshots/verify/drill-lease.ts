// The drill lease: one drill at a time across the server and CLI processes.
export const DRILL_LEASE = 'hetzner-snapshots.drill';
export const DRILL_LEASE_TTL_MS = 10 * 60_000;
