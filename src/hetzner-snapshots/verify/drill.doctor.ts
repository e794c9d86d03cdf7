// doctor's view of restore drills: a drill server left over is a FAIL (it costs money by the hour and the
// panel promised never to leave one), naming each server and how the panel knows it is its own.
import type { DoctorCheck } from '../doctor/doctor.checks';
import type { LeftoverDrillServer } from './drill.rules';

export function judgeDrillServers(
  facts: { leftovers: LeftoverDrillServer[]; drillRunning: boolean } | { error: string },
): DoctorCheck {
  if ('error' in facts)
    return { name: 'drill-servers', level: 'WARN', message: `Not checked: ${facts.error}`, hint: null };
  if (facts.leftovers.length === 0)
    return {
      name: 'drill-servers',
      level: 'OK',
      message: facts.drillRunning
        ? 'A restore drill is running now; no drill server is left over from an earlier one.'
        : 'No restore drill server is left over.',
      hint: null,
    };
  return {
    name: 'drill-servers',
    level: 'FAIL',
    message: `${facts.leftovers.length} restore drill server(s) left over: ${facts.leftovers
      .map((l) => `${l.server.name} (id ${l.server.id}; ${l.reason})`)
      .join(', ')}. They cost money by the hour.`,
    hint: 'Restart the panel or run `snapshot-panel verify` once: both delete them first. Or delete them in the Hetzner Console.',
  };
}
