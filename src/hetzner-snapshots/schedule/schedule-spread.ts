// Where in its period a server's "every N hours" schedule starts: a stable minute derived from the server id,
// so the servers of one project (sharing its API budget) do not all snapshot at once. Settings, the cron job,
// the snapshots page and doctor all ask spreadOffsetMinutes, so the times they show are the times it runs.
import type { FrequencyPreset } from './snapshot-schedule';
import { ScheduleInputError } from './schedule-input.error';

/**
 * The offset (minutes) the scheduler adds to `preset`: only "every N hours" is spread, over at most one period
 * (a spread longer than the period would push runs into the next one), and nothing without a known server id.
 */
export function spreadOffsetMinutes(input: {
  preset: FrequencyPreset;
  serverId: number | null;
  spreadMinutes: number;
}): number {
  const { preset, serverId, spreadMinutes } = input;
  if (preset.kind !== 'hours' || spreadMinutes < 1 || serverId === null) return 0;
  return stableOffsetMinutes(serverId, Math.min(spreadMinutes, preset.every * 60));
}

/**
 * Deterministic spread (FNV-1a of the id) so many servers on one Hetzner project do not all snapshot at
 * the same minute; the same server always gets the same offset, so its schedule does not wander.
 */
export function stableOffsetMinutes(serverId: number, spreadMinutes: number): number {
  if (!Number.isInteger(spreadMinutes) || spreadMinutes < 1) {
    throw new ScheduleInputError(
      'bad_offset',
      `The spread must be a whole number of minutes, at least 1, not ${spreadMinutes}.`,
    );
  }
  let hash = 0x811c9dc5;
  for (const char of String(serverId)) {
    hash ^= char.charCodeAt(0);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % spreadMinutes;
}
