import type { EventEmitter2 } from '@nestjs/event-emitter';

/** Emitted (via @nestjs/event-emitter) after any setting is saved, so the scheduler reschedules at once. */
export const SETTINGS_CHANGED_EVENT = 'hetzner-snapshots.settings-changed';

export interface SettingsChangedEvent {
  /** Which fields changed, e.g. ['frequency', 'scheduleEnabled'] or ['token'] */
  fields: string[];
}

/** Every save announces itself the same way, token or schedule. */
export function emitSettingsChanged(events: EventEmitter2, fields: string[]): void {
  const event: SettingsChangedEvent = { fields };
  events.emit(SETTINGS_CHANGED_EVENT, event);
}
