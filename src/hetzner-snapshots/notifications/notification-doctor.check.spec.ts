import { judgeNotificationChannels, ChannelDoctorFacts } from './notification-doctor.check';

const channel = {
  id: 3,
  name: 'Ops',
  kind: 'webhook' as const,
  format: 'slack',
  formatLabel: 'Slack',
  enabled: true,
  target: 'https://hooks.slack.com',
  events: [],
  secretSet: false,
};
const t = new Date('2026-01-01T10:00:00Z');
const fmt = (d: Date) => d.toISOString();

describe('judgeNotificationChannels', () => {
  it('no channel: OK, and says failures show in the panel only', () => {
    const [check] = judgeNotificationChannels([], fmt);
    expect(check).toMatchObject({ name: 'notifications', level: 'OK' });
    expect(check.message).toContain('panel only');
  });

  it.each<{ name: string; facts: ChannelDoctorFacts; level: string; words: string }>([
    { name: 'never delivered', facts: { channel, last: null }, level: 'WARN', words: 'has not delivered' },
    {
      name: 'delivered',
      facts: {
        channel,
        last: { status: 'sent', lastAttemptAt: t, lastError: null, attempts: 1, nextAttemptAt: null },
      },
      level: 'OK',
      words: 'last delivery 2026-01-01T10:00:00.000Z, delivered',
    },
    {
      name: 'failed, to be retried',
      facts: {
        channel,
        last: {
          status: 'pending',
          lastAttemptAt: t,
          lastError: 'answered with HTTP 500',
          attempts: 1,
          nextAttemptAt: t,
        },
      },
      level: 'WARN',
      words: 'tried again',
    },
    {
      name: 'failed for good',
      facts: {
        channel,
        last: {
          status: 'failed',
          lastAttemptAt: t,
          lastError: 'answered with HTTP 404',
          attempts: 5,
          nextAttemptAt: null,
        },
      },
      level: 'FAIL',
      words: 'failed its last delivery 2026-01-01T10:00:00.000Z after 5 tries: answered with HTTP 404',
    },
    {
      name: 'switched off',
      facts: { channel: { ...channel, enabled: false }, last: null },
      level: 'OK',
      words: 'switched off',
    },
  ])('$name → $level', ({ facts, level, words }) => {
    const [check] = judgeNotificationChannels([facts], fmt);
    expect(check.name).toBe('channel-3');
    expect(check.level).toBe(level);
    expect(check.message).toContain(words);
  });
});
