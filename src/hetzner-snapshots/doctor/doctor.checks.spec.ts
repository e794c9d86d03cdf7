import type { HcloudServer } from '../hcloud';
import {
  CLOCK_FAIL_MS,
  FileFacts,
  judgeClock,
  judgeFile,
  judgeLastSnapshot,
  judgeRateLimit,
  judgeRetention,
  judgeSchedule,
  judgeServer,
  judgeSnapshots,
  judgeToken,
  judgeTokenAge,
  LastSnapshotFacts,
} from './doctor.checks';

const HOUR = 3_600_000;
const NOW = new Date('2026-05-11T10:00:00Z');
const SERVER = { id: 42, name: 'web-1' } as HcloudServer;

describe('judgeServer', () => {
  test.each([
    [{ source: 'environment' as const, serverId: 42 }, 'OK', /HCLOUD_SERVER_ID/],
    [{ source: 'metadata' as const, serverId: 42, hostname: 'web-1' }, 'OK', /server 42 \("web-1"\)/],
    [
      { source: 'none' as const, reason: 'not running on a Hetzner Cloud server.' },
      'FAIL',
      /unknown: not running on a Hetzner Cloud server\./,
    ],
  ])('%j → %s', (facts, level, message) => {
    const check = judgeServer(facts);
    expect(check.level).toBe(level);
    expect(check.message).toMatch(message);
    if (level === 'FAIL') expect(check.hint).toMatch(/HCLOUD_SERVER_ID/);
  });
});

describe('judgeToken', () => {
  test.each([
    ['no token', { present: false as const }, 42, 'FAIL', /No Hetzner Cloud API token/],
    [
      'read & write',
      {
        present: true as const,
        source: 'settings' as const,
        result: { kind: 'read_write' as const, server: SERVER },
      },
      42,
      'OK',
      /Read & Write, and in the project of server 42 \("web-1"\)/,
    ],
    [
      'read-only',
      {
        present: true as const,
        source: 'environment' as const,
        result: { kind: 'read_only' as const, server: SERVER },
      },
      42,
      'FAIL',
      /\(from HCLOUD_TOKEN\) is read-only/,
    ],
    [
      'unknown token',
      { present: true as const, source: 'settings' as const, result: { kind: 'unauthorized' as const } },
      42,
      'FAIL',
      /rejected the token/,
    ],
    [
      'other project',
      { present: true as const, source: 'settings' as const, result: { kind: 'wrong_project' as const } },
      42,
      'FAIL',
      /another project/,
    ],
    [
      'unreachable',
      {
        present: true as const,
        source: 'settings' as const,
        result: { kind: 'unreachable' as const, reason: 'Could not reach the Hetzner Cloud API.' },
      },
      42,
      'FAIL',
      /could not be checked: Could not reach/,
    ],
    [
      'no server id',
      { present: true as const, source: 'settings' as const, result: null },
      null,
      'WARN',
      /not checked: the server id is unknown/,
    ],
  ])('%s', (_case, facts, serverId, level, message) => {
    const check = judgeToken(facts, serverId);
    expect(check.level).toBe(level);
    expect(check.message).toMatch(message);
  });
});

describe('judgeClock', () => {
  test.each([
    [{ skewMs: 900, roundTripMs: 40 }, 'OK', /within 5 s of Hetzner's \(0\.9 s ahead of\)/],
    [{ skewMs: -5_400, roundTripMs: 1_000 }, 'OK', /within 5 s/], // half the round trip is tolerated on top
    [{ skewMs: -12_000, roundTripMs: 40 }, 'WARN', /12 s behind Hetzner's/],
    [{ skewMs: CLOCK_FAIL_MS + 1, roundTripMs: 40 }, 'FAIL', /5 minutes ahead of Hetzner's/],
    [{ skewMs: -3 * HOUR, roundTripMs: 40 }, 'FAIL', /3 hours behind/],
    [{ error: 'Could not reach the Hetzner Cloud API.' }, 'WARN', /could not be read/],
    [{ skipped: 'no API token is set.' }, 'WARN', /Not checked: no API token/],
  ])('%j → %s', (facts, level, message) => {
    const check = judgeClock(facts);
    expect(check.level).toBe(level);
    expect(check.message).toMatch(message);
    if (level !== 'OK' && 'skewMs' in facts) expect(check.hint).toMatch(/timedatectl set-ntp true/);
  });
});

describe('judgeFile', () => {
  const base: FileFacts = {
    name: 'key-file',
    label: 'the key file',
    path: '/var/lib/snapshot-panel/secret.key',
    kind: 'file',
    expectedMode: 0o600,
    secret: true,
    stat: { mode: 0o100600, uid: 999, isDirectory: false, writable: true },
    processUid: 999,
  };
  const dir: FileFacts = {
    ...base,
    name: 'data-dir',
    label: 'DATA_DIR',
    path: '/var/lib/snapshot-panel',
    kind: 'directory',
    expectedMode: 0o700,
    secret: false,
    stat: { mode: 0o40700, uid: 999, isDirectory: true, writable: true },
  };
  test.each([
    ['key file 0600, own', base, 'OK', /mode 0600/, null],
    [
      'key file 0400 (read-only is stricter, fine)',
      { ...base, stat: { ...base.stat!, mode: 0o100400 } },
      'OK',
      /mode 0400/,
      null,
    ],
    [
      'key file readable by the group',
      { ...base, stat: { ...base.stat!, mode: 0o100640 } },
      'FAIL',
      /mode 0640: other users on this server can read it \(expected 0600\)/,
      /chmod 600 /,
    ],
    [
      'folder 0755',
      { ...dir, stat: { ...dir.stat!, mode: 0o40755 } },
      'WARN',
      /can look inside it/,
      /chmod 700 \/var\/lib\/snapshot-panel/,
    ],
    ['folder 0700', dir, 'OK', /mode 0700/, null],
    [
      'someone else owns it',
      { ...base, stat: { ...base.stat!, uid: 0 } },
      'FAIL',
      /belongs to uid 0, not to uid 999/,
      /chown -R snapshot-panel:snapshot-panel/,
    ],
    ['missing', { ...base, stat: null }, 'FAIL', /does not exist/, /Start the panel once/],
    [
      'not writable',
      { ...base, stat: { ...base.stat!, writable: false } },
      'FAIL',
      /not writable/,
      /chmod u\+w/,
    ],
    [
      'a file where a folder belongs',
      { ...dir, stat: { ...dir.stat!, isDirectory: false } },
      'FAIL',
      /is not a directory/,
      null,
    ],
    [
      'SECRET_KEY instead of a key file',
      { ...base, stat: null, absentBecause: 'the master key comes from SECRET_KEY' },
      'OK',
      /SECRET_KEY/,
      null,
    ],
  ])('%s', (_case, facts, level, message, hint) => {
    const check = judgeFile(facts);
    expect(check.level).toBe(level);
    expect(check.message).toMatch(message);
    if (hint) expect(check.hint).toMatch(hint);
  });
});

describe('judgeTokenAge', () => {
  const DAY = 24 * HOUR;
  test.each([
    [0, 'OK', 'saved today'],
    [30, 'OK', 'saved 30 days ago'],
    [90, 'OK', 'saved 90 days ago'],
    [91, 'WARN', 'saved 91 days ago, more than 90'],
    [400, 'WARN', 'saved 400 days ago'],
  ])('%d days → %s', (days, level, words) => {
    const check = judgeTokenAge({ savedAt: new Date(NOW.getTime() - days * DAY), now: NOW });
    expect(check.level).toBe(level);
    expect(check.message).toContain(words);
    if (level === 'WARN') expect(check.hint).toContain('Check and replace');
  });
});

describe('judgeRetention', () => {
  test('a usable policy says what it keeps', () => {
    const check = judgeRetention({
      kind: 'usable',
      policy: { retentionDays: 7, keepMin: 3, tiers: { hourly: 24, daily: 7, weekly: 4, monthly: 6 } },
    });
    expect(check).toMatchObject({ name: 'retention', level: 'OK', hint: null });
    expect(check.message).toContain('after 7 days, the newest 3 always kept; tiers hourly=24');
  });
  test('unusable stored tiers fail with the reason and how to fix them', () => {
    const check = judgeRetention({
      kind: 'unusable',
      field: 'retentionTiers',
      reason: 'the stored retention tiers ({) are not readable JSON',
      raw: '{',
    });
    expect(check.level).toBe('FAIL');
    expect(check.message).toBe(
      'Retention deletes nothing until this is fixed: the stored retention tiers ({) are not readable JSON.',
    );
    expect(check.hint).toMatch(/--tiers/);
  });
});

describe('judgeSchedule', () => {
  const facts = { enabled: true, frequency: '6h', timeZone: 'Europe/Berlin', now: NOW, offsetMinutes: 0 };
  test('on: says how often and when the next run is, in the panel time zone', () => {
    // 10:00Z is 12:00 in Berlin (summer time); every 6 hours runs at 00, 06, 12, 18 local: next 18:00.
    expect(judgeSchedule(facts)).toEqual({
      name: 'schedule',
      level: 'OK',
      message: 'Automatic snapshots every 6 hours; next run 2026-05-11 18:00 (Europe/Berlin), in 6 hours.',
      hint: null,
    });
  });
  test('the per-server offset moves the next run like the scheduler does', () => {
    expect(judgeSchedule({ ...facts, offsetMinutes: 17 }).message).toContain('next run 2026-05-11 12:17');
  });
  test('a stored schedule too rare to run (leap days only) fails and says how to repair it', () => {
    const check = judgeSchedule({ ...facts, frequency: 'cron:0 0 29 2 *' });
    expect(check.level).toBe('FAIL');
    expect(check.message).toContain('at least 3 times in 8 years');
    expect(check.hint).toMatch(/Settings/);
  });
  test('off is a warning that names what to do', () => {
    const check = judgeSchedule({ ...facts, enabled: false });
    expect(check.level).toBe('WARN');
    expect(check.hint).toMatch(/Settings/);
  });
  test('a stored schedule that cannot be read fails', () => {
    const check = judgeSchedule({ ...facts, frequency: 'sometimes' });
    expect(check.level).toBe('FAIL');
    expect(check.message).toMatch(/"sometimes" cannot be used/);
  });
});

describe('judgeLastSnapshot', () => {
  const base: LastSnapshotFacts = {
    enabled: true,
    frequency: '6h',
    timeZone: 'UTC',
    now: NOW,
    newestAuto: new Date(NOW.getTime() - 2 * HOUR),
    settingsUpdatedAt: new Date(NOW.getTime() - 30 * 24 * HOUR),
    lastRun: {
      status: 'succeeded',
      errorCode: null,
      errorMessage: null,
      startedAt: new Date(NOW.getTime() - 2 * HOUR),
    },
  };
  const failedRun = {
    status: 'failed',
    errorCode: 'locked',
    errorMessage: 'The server is busy.',
    startedAt: new Date(NOW.getTime() - HOUR),
  };
  test.each([
    ['fresh', base, 'OK', /2 hours old \(the schedule runs at least every 6 hours\)\.$/],
    [
      'fresh, but the newest cycle failed',
      { ...base, lastRun: failedRun },
      'WARN',
      /failed: The server is busy\./,
    ],
    [
      'one period missed',
      { ...base, newestAuto: new Date(NOW.getTime() - 8 * HOUR) },
      'WARN',
      /One run was missed/,
    ],
    [
      'more than two periods',
      { ...base, newestAuto: new Date(NOW.getTime() - 13 * HOUR) },
      'FAIL',
      /More than two periods/,
    ],
    [
      'none yet, schedule just turned on',
      { ...base, newestAuto: null, settingsUpdatedAt: new Date(NOW.getTime() - HOUR) },
      'WARN',
      /No automatic snapshot yet/,
    ],
    ['none although on for long', { ...base, newestAuto: null }, 'FAIL', /has been on for 30 days/],
    ['none and off', { ...base, newestAuto: null, enabled: false }, 'WARN', /automatic snapshots are off/],
    [
      'old and off',
      { ...base, newestAuto: new Date(NOW.getTime() - 48 * HOUR), enabled: false },
      'WARN',
      /will only get older/,
    ],
  ])('%s', (_case, facts, level, message) => {
    const check = judgeLastSnapshot(facts);
    expect(check.level).toBe(level);
    expect(check.message).toMatch(message);
  });
});

describe('judgeRateLimit', () => {
  const resetAt = new Date(NOW.getTime() + 10 * 60_000);
  test.each([
    [
      { limit: 3600, remaining: 3590, resetAt },
      'OK',
      /3590 of 3600 API requests left .*full again in 10 minutes/,
    ],
    [{ limit: 3600, remaining: 200, resetAt }, 'WARN', /200 of 3600/],
    [{ limit: 3600, remaining: 0, resetAt }, 'FAIL', /0 of 3600/],
    [null, 'WARN', /Not known/],
  ])('%j → %s', (rateLimit, level, message) => {
    const check = judgeRateLimit(rateLimit, NOW);
    expect(check.level).toBe(level);
    expect(check.message).toMatch(message);
  });

  test('says what this panel spent in the last hour', () => {
    expect(judgeRateLimit({ limit: 3600, remaining: 3590, resetAt }, NOW, 42).message).toMatch(
      /This panel spent 42 of them in the last hour\.$/,
    );
  });
});

describe('judgeSnapshots', () => {
  test('count, size and monthly cost in the account currency', () => {
    expect(
      judgeSnapshots({
        count: 7,
        autoCount: 5,
        totalGb: 12.4,
        pricing: { currency: 'EUR', grossPerGbMonth: 0.0119 },
      }).message,
    ).toBe('7 snapshots of this server (5 automatic), 12 GB, about 0.15 EUR a month incl. VAT.');
    expect(judgeSnapshots({ count: 1, autoCount: 0, totalGb: 1.26, pricing: null }).message).toBe(
      '1 snapshot of this server (0 automatic), 1.3 GB (price list unavailable).',
    );
    expect(judgeSnapshots({ error: 'Rate limited.' }).level).toBe('WARN');
  });
});
