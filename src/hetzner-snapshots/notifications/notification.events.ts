// The events the plugin announces to its notification channels and metrics, by constant: the scheduler
// emits CYCLE_FINISHED_EVENT after every run; restore drills emit DRILL_FINISHED_EVENT (wired by the drill
// feature). Listeners run in the background, so an emitter never waits on a channel.
import type { CycleRun } from '../scheduler/cycle-run.entity';

/** Emitted (via @nestjs/event-emitter) once a cycle or prune run is written down as finished. */
export const CYCLE_FINISHED_EVENT = 'hetzner-snapshots.cycle.finished';

export interface CycleFinishedEvent {
  run: CycleRun;
  serverName: string | null;
  /** The sentence the run ended with (what the history and the CLI show). */
  message: string;
  /** Retention decided nothing because of doubt: an incomplete listing or an unusable policy. */
  retentionBlocked: boolean;
}

/** Emitted by restore drills after each drill; `ok: false` is "a restore drill failed". */
export const DRILL_FINISHED_EVENT = 'hetzner-snapshots.drill.finished';
/** The drill feature's own name for a failed drill; listened to as well, so either wiring works. */
export const DRILL_FAILED_EVENT = 'hetzner-snapshots.drill.failed';

export interface DrillFinishedEvent {
  ok: boolean;
  /** What the drill found, for a person. */
  message: string;
  imageId?: number | null;
}
