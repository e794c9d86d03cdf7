// The doctor's judgements: each function takes facts already gathered (by DoctorService) and returns one
// check with a level, a sentence and what to do. Pure (no I/O, the time passed in), so every threshold is
// covered by table tests and the service only collects facts.
// Grouped by subject: the connection to Hetzner, this machine, the snapshots; each group in its own file.
export type { DoctorCheck, DoctorLevel } from './doctor-check';
export * from './doctor-connection.checks';
export * from './doctor-host.checks';
export * from './doctor-snapshot.checks';
