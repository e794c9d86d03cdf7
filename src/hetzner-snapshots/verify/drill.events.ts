// What a restore drill tells the rest of the plugin (notifications, metrics) when it ends: one event per
// outcome, named here by the emitter.
import type { DrillTrigger } from './drill-run.entity';

/** Emitted once per failed drill: payload DrillFailedEvent. */
export const DRILL_FAILED_EVENT = 'hetzner-snapshots.drill.failed';
/** Emitted once per drill that passed: payload DrillPassedEvent. */
export const DRILL_PASSED_EVENT = 'hetzner-snapshots.drill.passed';

export interface DrillPassedEvent {
  drillId: number;
  imageId: number;
  serverId: number;
  trigger: DrillTrigger;
  at: Date;
}

export interface DrillFailedEvent extends DrillPassedEvent {
  /** What went wrong, for a person. */
  error: string;
}
