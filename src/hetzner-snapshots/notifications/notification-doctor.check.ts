// Doctor's judgement of the notification channels: each channel's last delivery, and which failed its
// last one. Pure (the facts and the time passed in); NotificationDoctorFacts gathers them.
import type { DoctorCheck } from '../doctor/doctor.checks';
import type { NotificationDelivery } from './notification.entities';
import { plural } from '../wording/plural';

/** What the judgement reads of a channel (a ChannelView has it; named here so this file imports no service). */
export interface ChannelDoctorChannel {
  id: number;
  name: string;
  formatLabel: string;
  enabled: boolean;
  target: string;
}

export interface ChannelDoctorFacts {
  channel: ChannelDoctorChannel;
  last: Pick<
    NotificationDelivery,
    'status' | 'lastAttemptAt' | 'lastError' | 'attempts' | 'nextAttemptAt'
  > | null;
}

const SETTINGS_HINT = 'Settings → Notifications, or snapshot-panel notify test --channel';

export function judgeNotificationChannels(
  facts: ChannelDoctorFacts[],
  format: (d: Date) => string,
): DoctorCheck[] {
  if (facts.length === 0)
    return [
      {
        name: 'notifications',
        level: 'OK',
        message:
          'No notification channel is set up: failures show in the panel only. Add e-mail or a chat webhook in Settings → Notifications.',
        hint: null,
      },
    ];
  return facts.map(({ channel, last }) => {
    const name = `channel-${channel.id}`;
    const who = `"${channel.name}" (${channel.formatLabel} → ${channel.target})`;
    if (!channel.enabled) return { name, level: 'OK', message: `${who} is switched off.`, hint: null };
    if (!last || !last.lastAttemptAt)
      return {
        name,
        level: 'WARN',
        message: `${who} has not delivered a message yet.`,
        hint: `Send a test: ${SETTINGS_HINT} ${channel.id}.`,
      };
    const when = format(last.lastAttemptAt);
    if (last.status === 'sent')
      return { name, level: 'OK', message: `${who}: last delivery ${when}, delivered.`, hint: null };
    if (last.status === 'pending' && last.lastError)
      return {
        name,
        level: 'WARN',
        message: `${who}: the last delivery failed ${when} (${last.lastError}); it is tried again${last.nextAttemptAt ? ` at ${format(last.nextAttemptAt)}` : ''}.`,
        hint: `Check the receiver, then send a test: ${SETTINGS_HINT} ${channel.id}.`,
      };
    if (last.status === 'pending')
      return { name, level: 'OK', message: `${who}: a delivery is being sent (${when}).`, hint: null };
    return {
      name,
      level: 'FAIL',
      message: `${who} failed its last delivery ${when} after ${plural(last.attempts, 'try', 'tries')}: ${last.lastError ?? 'no reason recorded'}.`,
      hint: `Fix the channel's settings or the receiver, then send a test: ${SETTINGS_HINT} ${channel.id}.`,
    };
  });
}
