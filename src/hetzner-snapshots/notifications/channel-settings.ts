// A channel's settings as the code uses them, read from its row; the one place that parses email_json.
import { NotificationChannel } from './notification.entities';
import { readKinds, type NotificationKind } from './notification.rules';

export type SmtpSecurity = 'tls' | 'starttls' | 'none';
export type PasswordSource = 'stored' | 'environment' | 'none';

export interface EmailSettings {
  host: string;
  port: number;
  security: SmtpSecurity;
  username: string | null;
  passwordSource: PasswordSource;
  from: string;
  to: string[];
}

export function readEmailSettings(row: Pick<NotificationChannel, 'emailJson'>): EmailSettings | null {
  if (!row.emailJson) return null;
  try {
    const v = JSON.parse(row.emailJson) as Partial<EmailSettings>;
    if (typeof v.host !== 'string' || typeof v.port !== 'number' || typeof v.from !== 'string') return null;
    return {
      host: v.host,
      port: v.port,
      security: v.security === 'tls' || v.security === 'none' ? v.security : 'starttls',
      username: typeof v.username === 'string' && v.username ? v.username : null,
      passwordSource:
        v.passwordSource === 'environment' || v.passwordSource === 'none' ? v.passwordSource : 'stored',
      from: v.from,
      to: Array.isArray(v.to) ? v.to.filter((t): t is string => typeof t === 'string') : [],
    };
  } catch {
    return null;
  }
}

export function channelKinds(row: Pick<NotificationChannel, 'events'>): NotificationKind[] {
  return readKinds(row.events);
}
