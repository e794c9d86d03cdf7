// The events the plugin announces to its notification channels and metrics, by constant: the scheduler
// emits CYCLE_FINISHED_EVENT after every run; restore drills emit DRILL_FINISHED_EVENT (wired by the drill
// feature). Listeners run in the background, so an emitter never waits on a channel.
import type { CycleRun } from '../cycle/cycle-run.entity';

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

// Restore drills (verify/) name their own events; notifications and metrics listen to them.
export { DRILL_FAILED_EVENT, DRILL_PASSED_EVENT } from '../verify/drill.events';
export type { DrillFailedEvent, DrillPassedEvent } from '../verify/drill.events';
