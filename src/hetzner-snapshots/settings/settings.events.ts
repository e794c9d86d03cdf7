/** Emitted (via @nestjs/event-emitter) after any setting is saved, so the scheduler reschedules at once. */
export const SETTINGS_CHANGED_EVENT = 'hetzner-snapshots.settings-changed';

export interface SettingsChangedEvent {
  /** Which fields changed, e.g. ['frequency', 'scheduleEnabled'] or ['token'] */
  fields: string[];
}
