import { RetentionPolicyError } from './retention-policy.error';
import {
  KIND_LABEL,
  PANEL_LABEL,
  PANEL_LABEL_VALUE,
  SERVER_LABEL,
  snapshotOrigin,
} from '../labels/snapshot-labels';
import {
  planRetention,
  type RetentionCandidate,
  type RetentionInput,
  type RetentionPlan,
  type RetentionPolicy,
} from './retention.policy';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const SERVER = 42;
const NOW = new Date('2025-06-15T12:00:00Z');
const BERLIN = 'Europe/Berlin';
const AUTO = { [PANEL_LABEL]: PANEL_LABEL_VALUE, [KIND_LABEL]: 'auto' };
const WEEK_AND_THREE: RetentionPolicy = { retentionDays: 7, keepMin: 3 };

let lastId = 1000;
/** An automatic, available snapshot of this server, `ageMs` before `now`. */
function snapshot(ageMs: number, overrides: Partial<RetentionCandidate> = {}, now = NOW): RetentionCandidate {
  return {
    id: ++lastId,
    serverId: SERVER,
    created: new Date(now.getTime() - ageMs),
    status: 'available',
    protected: false,
    labels: AUTO,
    type: 'snapshot',
    ...overrides,
  };
}

function plan(
  snapshots: RetentionCandidate[],
  policy = WEEK_AND_THREE,
  extra: Partial<RetentionInput> = {},
): RetentionPlan {
  return planRetention({
    snapshots,
    policy,
    serverId: SERVER,
    now: NOW,
    timeZone: 'UTC',
    listingComplete: true,
    ...extra,
  });
}

function decisionFor(result: RetentionPlan, target: RetentionCandidate) {
  const decision = result.decisions.find((candidate) => candidate.id === target.id);
  if (!decision) throw new Error(`no decision for ${target.id}`);
  return decision;
}

function thrownBy(action: () => unknown): RetentionPolicyError {
  try {
    action();
  } catch (error) {
    if (error instanceof RetentionPolicyError) return error;
    throw error;
  }
  throw new Error('expected a RetentionPolicyError');
}

describe('planRetention: the hard rules (never deleted, however old)', () => {
  // Each row: a 30-day-old snapshot that would be deleted but for one property, next to three fresh
  // automatic snapshots that fill the newest-3, so only the rule under test can save it.
  it.each<[string, Partial<RetentionCandidate>, string]>([
    ['a backup image', { type: 'backup' }, 'not-snapshot'],
    ['a system image', { type: 'system' }, 'not-snapshot'],
    ['a snapshot of another server', { serverId: 7 }, 'other-server'],
    ['a snapshot whose server is gone', { serverId: null }, 'other-server'],
    [
      'a snapshot labelled with this server but made from another',
      { serverId: 7, labels: { ...AUTO, [SERVER_LABEL]: String(SERVER) } },
      'server-label-mismatch',
    ],
    [
      'a snapshot made from this server but labelled with another',
      { labels: { ...AUTO, [SERVER_LABEL]: '7' } },
      'server-label-mismatch',
    ],
    [
      'a snapshot labelled with this server whose source is gone',
      { serverId: null, labels: { ...AUTO, [SERVER_LABEL]: String(SERVER) } },
      'server-label-mismatch',
    ],
    [
      'a snapshot with an unreadable server label',
      { labels: { ...AUTO, [SERVER_LABEL]: '042' } },
      'server-label-mismatch',
    ],
    [
      'a manual snapshot',
      { labels: { [PANEL_LABEL]: PANEL_LABEL_VALUE, [KIND_LABEL]: 'manual' } },
      'not-automatic',
    ],
    [
      'a snapshot marked to keep',
      { labels: { [PANEL_LABEL]: PANEL_LABEL_VALUE, [KIND_LABEL]: 'kept' } },
      'not-automatic',
    ],
    ['an unlabelled snapshot', { labels: {} }, 'not-automatic'],
    ['kind=auto without the panel label', { labels: { [KIND_LABEL]: 'auto' } }, 'not-automatic'],
    [
      'the panel label with an unknown kind',
      { labels: { [PANEL_LABEL]: PANEL_LABEL_VALUE, [KIND_LABEL]: 'x' } },
      'not-automatic',
    ],
    ['a protected snapshot', { protected: true }, 'protected'],
    ['a snapshot still creating', { status: 'creating' }, 'not-available'],
    ['an unavailable snapshot', { status: 'unavailable' }, 'not-available'],
    ['a snapshot created in the future', { created: new Date(NOW.getTime() + HOUR) }, 'future-date'],
    ['a snapshot with an unreadable date', { created: new Date('garbage') }, 'future-date'],
  ])('keeps %s (%s)', (_what, overrides, reason) => {
    const fresh = [snapshot(1 * HOUR), snapshot(2 * HOUR), snapshot(3 * HOUR)];
    const target = snapshot(30 * DAY, overrides);
    const result = plan([...fresh, target]);
    expect(decisionFor(result, target)).toMatchObject({ action: 'keep', reason, keepUntil: null });
    expect(result.toDelete).toEqual([]);
  });

  it.each<[string, Record<string, string>]>([
    ['without a server label (made before the label existed)', AUTO],
    ['with the server label of this server', { ...AUTO, [SERVER_LABEL]: String(SERVER) }],
  ])('deletes the same snapshot when no rule covers it (control row, %s)', (_what, labels) => {
    const target = snapshot(30 * DAY, { labels });
    const result = plan([snapshot(1 * HOUR), snapshot(2 * HOUR), snapshot(3 * HOUR), target]);
    expect(decisionFor(result, target)).toMatchObject({ action: 'delete', reason: 'past-retention' });
    expect(result.toDelete).toEqual([target.id]);
  });

  it('says why a snapshot whose server label and source disagree is kept', () => {
    const target = snapshot(30 * DAY, { serverId: 7, labels: { ...AUTO, [SERVER_LABEL]: String(SERVER) } });
    expect(decisionFor(plan([target]), target).detail).toBe(
      `its ${SERVER_LABEL} label says server ${SERVER} but Hetzner says it was made from server 7; kept because they disagree`,
    );
  });

  it('keeps everything when the listing is incomplete', () => {
    const snapshots = [snapshot(40 * DAY), snapshot(50 * DAY), snapshot(60 * DAY), snapshot(70 * DAY)];
    const result = plan(snapshots, WEEK_AND_THREE, { listingComplete: false });
    expect(result.toDelete).toEqual([]);
    expect(result.kept).toBe(4);
    for (const decision of result.decisions) {
      expect(decision).toMatchObject({ action: 'keep', reason: 'listing-incomplete', keepUntil: null });
    }
    expect(result.summary).toBe(
      'The snapshot list may be incomplete, so nothing is deleted this run (4 snapshots kept).',
    );
  });

  it('keeps everything when a snapshot is listed twice (pages shifted, one may be missing)', () => {
    const twice = snapshot(40 * DAY);
    const result = plan([twice, snapshot(50 * DAY), snapshot(60 * DAY), snapshot(70 * DAY), twice]);
    expect(result.toDelete).toEqual([]);
    expect(result.decisions.every((decision) => decision.reason === 'listing-incomplete')).toBe(true);
  });
});

describe('planRetention: newest K', () => {
  it('keeps the newest K whatever their age, indefinitely, and deletes the older ones oldest first', () => {
    const [a, b, c, d, e] = [30, 31, 32, 33, 34].map((days) => snapshot(days * DAY));
    const result = plan([c, e, a, d, b]);
    for (const newest of [a, b, c]) {
      expect(decisionFor(result, newest)).toMatchObject({
        action: 'keep',
        reason: 'newest-k',
        keepUntil: null,
      });
    }
    expect(result.toDelete).toEqual([e.id, d.id]);
    expect(result.decisions.map((decision) => decision.id)).toEqual([c, e, a, d, b].map((s) => s.id));
  });

  it.each<[string, Partial<RetentionCandidate>]>([
    ['a snapshot still creating', { status: 'creating' }],
    ['a protected snapshot', { protected: true }],
    ['a future-dated snapshot', { created: new Date(NOW.getTime() + DAY) }],
    ['a snapshot of another server', { serverId: 7 }],
    ['a manual snapshot', { labels: { [PANEL_LABEL]: PANEL_LABEL_VALUE, [KIND_LABEL]: 'manual' } }],
  ])('%s does not take one of the K places', (_what, overrides) => {
    const newer = [snapshot(1 * HOUR, overrides), snapshot(2 * HOUR, overrides)];
    const old = [30, 31, 32, 33].map((days) => snapshot(days * DAY));
    const result = plan([...newer, ...old]);
    expect(old.slice(0, 3).map((s) => decisionFor(result, s).reason)).toEqual([
      'newest-k',
      'newest-k',
      'newest-k',
    ]);
    expect(result.toDelete).toEqual([old[3].id]);
  });

  it('breaks ties in creation time by id, whatever the listing order', () => {
    const sameTime = new Date(NOW.getTime() - 30 * DAY);
    const snapshots = [5, 3, 9, 1].map((id) => ({ ...snapshot(0), id, created: sameTime }));
    const result = plan(snapshots);
    expect(result.toDelete).toEqual([1]);
    expect(plan([...snapshots].reverse()).toDelete).toEqual([1]);
  });

  it('with keepMin 1 keeps the single newest snapshot even when all are past retention', () => {
    const result = plan([snapshot(20 * DAY), snapshot(10 * DAY)], { retentionDays: 7, keepMin: 1 });
    expect(result.decisions.map((decision) => decision.reason)).toEqual(['past-retention', 'newest-k']);
    expect(result.decisions[1].detail).toBe('the newest automatic snapshot, kept whatever its age');
  });
});

describe('planRetention: age', () => {
  const newest = () => [snapshot(1 * HOUR), snapshot(2 * HOUR), snapshot(3 * HOUR)];

  it.each<[string, number, string, string, Date | null]>([
    ['exactly 7 days old: still within', 7 * DAY, 'keep', 'within-retention', NOW],
    ['2 days old', 2 * DAY, 'keep', 'within-retention', new Date(NOW.getTime() + 5 * DAY)],
    ['7 days and 1 ms old', 7 * DAY + 1, 'delete', 'past-retention', null],
    ['9 days old', 9 * DAY, 'delete', 'past-retention', null],
  ])('%s', (_what, ageMs, action, reason, keepUntil) => {
    const target = snapshot(ageMs);
    expect(decisionFor(plan([...newest(), target]), target)).toMatchObject({ action, reason, keepUntil });
  });

  it.each<[number, string]>([
    [9 * DAY, 'older than 7 days (created 9 days ago)'],
    [7 * DAY + 3 * HOUR, 'older than 7 days (created 7 days and 3 hours ago)'],
    [45 * DAY + 5 * HOUR, 'older than 7 days (created 45 days ago)'],
  ])('explains a deletion in plain words', (ageMs, detail) => {
    const target = snapshot(ageMs);
    expect(decisionFor(plan([...newest(), target]), target).detail).toBe(detail);
  });

  it('explains a kept one in plain words', () => {
    const target = snapshot(2 * DAY + 5 * HOUR);
    expect(decisionFor(plan([...newest(), target]), target).detail).toBe(
      'within the 7-day retention (created 2 days and 5 hours ago)',
    );
  });

  it('summarises the plan', () => {
    const snapshots = [
      ...newest(),
      snapshot(2 * DAY),
      snapshot(9 * DAY),
      snapshot(10 * DAY),
      snapshot(40 * DAY, { protected: true }),
      snapshot(40 * DAY, { labels: {} }),
    ];
    expect(plan(snapshots).summary).toBe(
      'Deletes 2 of 8 snapshots (automatic ones older than 7 days). Keeps 6: 3 among the newest 3, 1 within 7 days, 1 protected, 1 not automatic.',
    );
    expect(plan(newest()).summary).toBe('Deletes none of 3 snapshots. Keeps 3: 3 among the newest 3.');
    expect(plan([]).summary).toBe('No snapshots to consider.');
  });
});

describe('planRetention: tiers', () => {
  const onlyTiers = (tiers: Partial<NonNullable<RetentionPolicy['tiers']>>): RetentionPolicy => ({
    retentionDays: 1,
    keepMin: 1,
    tiers: { hourly: 0, daily: 0, weekly: 0, monthly: 0, ...tiers },
  });
  /** One snapshot per `stepMs` going back from `newestAt`, `total` of them. */
  const series = (newestAt: Date, stepMs: number, total: number) =>
    Array.from({ length: total }, (_, i) => snapshot(i * stepMs, {}, newestAt));
  const kept = (result: RetentionPlan) => result.decisions.filter((decision) => decision.action === 'keep');

  it('daily: keeps the newest of each of the last D local days, past retention', () => {
    // Two a day (03:00 and 15:00 UTC) for 20 days; now is 15 June 12:00.
    const snapshots = series(new Date('2025-06-15T03:00:00Z'), 12 * HOUR, 40);
    const result = plan(snapshots, onlyTiers({ daily: 10 }));
    const reasons = kept(result).map((decision) => [
      decision.reason,
      snapshots.find((s) => s.id === decision.id)!.created.toISOString(),
    ]);
    expect(reasons).toEqual([
      ['newest-k', '2025-06-15T03:00:00.000Z'],
      ...Array.from({ length: 9 }, (_, i) => [
        'tier-daily',
        `2025-06-${String(14 - i).padStart(2, '0')}T15:00:00.000Z`,
      ]),
    ]);
    const fiveDaysAgo = result.decisions.find(
      (decision) => decision.reason === 'tier-daily' && decision.detail.includes('2025-06-10'),
    );
    // Day 10 June leaves a 10-day window when 20 June begins.
    expect(fiveDaysAgo).toMatchObject({
      keepUntil: new Date('2025-06-20T00:00:00Z'),
      detail: 'the newest of 2025-06-10, kept by the daily tier (10 days)',
    });
  });

  it('daily days are local days: 23:30 and 00:30 Berlin are two days there, one day in UTC', () => {
    const lateEvening = snapshot(0, { created: new Date('2025-06-01T21:30:00Z') }); // 23:30 CEST, 1 June
    const afterMidnight = snapshot(0, { created: new Date('2025-06-01T22:30:00Z') }); // 00:30 CEST, 2 June
    const newestOne = snapshot(HOUR);
    const policy = onlyTiers({ daily: 30 });
    const inBerlin = plan([newestOne, afterMidnight, lateEvening], policy, { timeZone: BERLIN });
    const inUtc = plan([newestOne, afterMidnight, lateEvening], policy, { timeZone: 'UTC' });
    expect(inBerlin.toDelete).toEqual([]);
    expect(inUtc.toDelete).toEqual([lateEvening.id]);
    expect(decisionFor(inBerlin, lateEvening).keepUntil).toEqual(new Date('2025-06-30T22:00:00Z')); // 1 July 00:00 CEST
  });

  it('weekly: keeps the newest of each of the last W ISO weeks', () => {
    // Daily at 03:00 for 8 weeks; now is Sunday 15 June 12:00 (ISO week 2025-W24).
    const snapshots = series(new Date('2025-06-15T03:00:00Z'), DAY, 56);
    const result = plan(snapshots, onlyTiers({ weekly: 4 }));
    expect(kept(result).map((decision) => decision.reason)).toEqual([
      'newest-k',
      'tier-weekly',
      'tier-weekly',
      'tier-weekly',
    ]);
    const weekly = kept(result).filter((decision) => decision.reason === 'tier-weekly');
    expect(weekly.map((decision) => decision.detail)).toEqual([
      'the newest of ISO week 2025-W23, kept by the weekly tier (4 weeks)',
      'the newest of ISO week 2025-W22, kept by the weekly tier (4 weeks)',
      'the newest of ISO week 2025-W21, kept by the weekly tier (4 weeks)',
    ]);
    // W21 (from Monday 19 May) leaves a 4-week window when W25 begins on Monday 16 June.
    expect(weekly[2].keepUntil).toEqual(new Date('2025-06-16T00:00:00Z'));
  });

  it('monthly: keeps the newest of each of the last M months, for months past retention', () => {
    const snapshots = series(new Date('2025-06-15T03:00:00Z'), DAY, 200);
    const result = plan(snapshots, onlyTiers({ monthly: 6 }), { timeZone: BERLIN });
    const monthly = kept(result).filter((decision) => decision.reason === 'tier-monthly');
    expect(monthly.map((decision) => decision.detail.replace(/, kept by.*/, ''))).toEqual([
      'the newest of May 2025',
      'the newest of April 2025',
      'the newest of March 2025',
      'the newest of February 2025',
      'the newest of January 2025',
    ]);
    // January leaves a 6-month window on 1 July, local midnight.
    expect(monthly[4].keepUntil).toEqual(new Date('2025-06-30T22:00:00Z'));
    expect(result.kept).toBe(6);
  });

  it('the reason shown is the one that keeps it longest; the others are mentioned', () => {
    const snapshots = [snapshot(HOUR), snapshot(2 * DAY)];
    const result = plan(snapshots, {
      retentionDays: 7,
      keepMin: 1,
      tiers: { hourly: 0, daily: 30, weekly: 0, monthly: 0 },
    });
    expect(result.decisions[1]).toEqual({
      id: snapshots[1].id,
      action: 'keep',
      reason: 'tier-daily',
      detail:
        'the newest of 2025-06-13, kept by the daily tier (30 days); also within the 7-day retention (created 2 days ago)',
      keepUntil: new Date('2025-07-13T00:00:00Z'),
    });
  });

  it('tiers of 0 or null keep nothing extra', () => {
    const snapshots = series(NOW, DAY, 10);
    const expected = plan(snapshots, { retentionDays: 1, keepMin: 1 }).toDelete;
    expect(plan(snapshots, { retentionDays: 1, keepMin: 1, tiers: null }).toDelete).toEqual(expected);
    expect(plan(snapshots, onlyTiers({})).toDelete).toEqual(expected);
    expect(expected).toHaveLength(8);
  });

  describe('clock changes in Europe/Berlin cause no extra deletions', () => {
    it('keeps both snapshots of the repeated 02:00–03:00 hour in autumn (two hourly buckets)', () => {
      const now = new Date('2025-10-27T12:00:00Z');
      const firstCopy = snapshot(0, { created: new Date('2025-10-26T00:30:00Z') }); // 02:30 CEST
      const secondCopy = snapshot(0, { created: new Date('2025-10-26T01:30:00Z') }); // 02:30 CET
      const newestOne = snapshot(HOUR, {}, now);
      const result = planRetention({
        snapshots: [newestOne, secondCopy, firstCopy],
        policy: onlyTiers({ hourly: 48 }),
        serverId: SERVER,
        now,
        timeZone: BERLIN,
        listingComplete: true,
      });
      expect(result.toDelete).toEqual([]);
      expect(decisionFor(result, firstCopy)).toMatchObject({
        reason: 'tier-hourly',
        keepUntil: new Date('2025-10-28T00:00:00Z'),
      });
      expect(decisionFor(result, secondCopy)).toMatchObject({
        reason: 'tier-hourly',
        keepUntil: new Date('2025-10-28T01:00:00Z'),
      });
      expect(decisionFor(result, firstCopy).detail).toContain(
        'the hour from 02:00 (UTC+02:00) on 2025-10-26',
      );
      expect(decisionFor(result, secondCopy).detail).toContain(
        'the hour from 02:00 (UTC+01:00) on 2025-10-26',
      );
    });

    it.each([
      ['March', new Date('2025-03-31T06:30:00Z')],
      ['October', new Date('2025-10-27T06:30:00Z')],
    ])('hourly snapshots across the %s switch: an hourly tier of 36 keeps exactly 36', (_month, now) => {
      const snapshots = Array.from({ length: 72 }, (_, i) => snapshot(30 * 60_000 + i * HOUR, {}, now));
      const result = planRetention({
        snapshots,
        policy: onlyTiers({ hourly: 36 }),
        serverId: SERVER,
        now,
        timeZone: BERLIN,
        listingComplete: true,
      });
      expect(result.kept).toBe(36);
      expect(result.toDelete).toHaveLength(36);
    });

    it.each([
      ['March (a 23-hour day)', new Date('2025-04-02T12:00:00Z')],
      ['October (a 25-hour day)', new Date('2025-10-29T12:00:00Z')],
    ])('a daily tier keeps one snapshot per local day across %s', (_month, now) => {
      const snapshots = Array.from({ length: 10 * 24 }, (_, i) => snapshot(i * HOUR, {}, now));
      const result = planRetention({
        snapshots,
        policy: onlyTiers({ daily: 7 }),
        serverId: SERVER,
        now,
        timeZone: BERLIN,
        listingComplete: true,
      });
      const keptDays = kept(result)
        .filter((decision) => decision.reason === 'tier-daily')
        .map((decision) => decision.detail.slice('the newest of '.length, 'the newest of '.length + 10));
      // Today's newest is the newest-K one; the 6 days before keep one each, whatever their length.
      expect(keptDays).toHaveLength(6);
      expect(new Set(keptDays).size).toBe(6);
      // 25 snapshots within the 1-day retention (ages 0..24 h), yesterday's newest among them, plus 5 older days.
      expect(result.kept).toBe(30);
    });
  });
});

describe('planRetention: refuses to plan with inputs it cannot trust', () => {
  const valid: RetentionInput = {
    snapshots: [],
    policy: WEEK_AND_THREE,
    serverId: SERVER,
    now: NOW,
    timeZone: 'UTC',
    listingComplete: true,
  };
  it.each<[string, Partial<RetentionInput>, string]>([
    ['retentionDays 0', { policy: { retentionDays: 0, keepMin: 3 } }, 'invalid_policy'],
    ['retentionDays 366', { policy: { retentionDays: 366, keepMin: 3 } }, 'invalid_policy'],
    ['retentionDays 7.5', { policy: { retentionDays: 7.5, keepMin: 3 } }, 'invalid_policy'],
    ['keepMin 0', { policy: { retentionDays: 7, keepMin: 0 } }, 'invalid_policy'],
    [
      'a negative tier',
      { policy: { retentionDays: 7, keepMin: 3, tiers: { hourly: 0, daily: -1, weekly: 0, monthly: 0 } } },
      'invalid_policy',
    ],
    ['an unknown time zone', { timeZone: 'Europe/Atlantis' }, 'invalid_time_zone'],
    ['an invalid clock', { now: new Date('garbage') }, 'invalid_clock'],
  ])('%s', (_what, override, code) => {
    expect(thrownBy(() => planRetention({ ...valid, ...override })).code).toBe(code);
  });
});

describe('planRetention: the promise holds on 300 generated listings', () => {
  // A fixed-seed generator: the same listings every run, but far more shapes than hand-written rows.
  let seed = 20250615;
  const random = () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 2 ** 32;
  };
  const pick = <T>(options: readonly T[]): T => options[Math.floor(random() * options.length)];

  it('deletes only old, available, unprotected automatic snapshots of this server, outside the newest K', () => {
    let deletedInAllRounds = 0;
    for (let round = 0; round < 300; round++) {
      const now = new Date(
        Date.UTC(2025, 0, 1) + Math.floor(random() * 365) * DAY + Math.floor(random() * DAY),
      );
      const policy: RetentionPolicy = {
        retentionDays: pick([1, 3, 7, 30]),
        keepMin: pick([1, 2, 3, 10]),
        tiers:
          random() < 0.5
            ? null
            : { hourly: pick([0, 24]), daily: pick([0, 7]), weekly: pick([0, 4]), monthly: pick([0, 12]) },
      };
      const snapshots = Array.from({ length: Math.floor(random() * 40) }, () =>
        snapshot(
          Math.floor((random() - 0.02) * 90 * DAY),
          {
            type: pick(['snapshot', 'snapshot', 'snapshot', 'backup']),
            serverId: pick([SERVER, SERVER, SERVER, 7, null]),
            status: pick(['available', 'available', 'available', 'creating']),
            protected: random() < 0.1,
            labels: pick([
              AUTO,
              AUTO,
              AUTO,
              { ...AUTO, [SERVER_LABEL]: String(SERVER) },
              { ...AUTO, [SERVER_LABEL]: '7' },
              { [PANEL_LABEL]: PANEL_LABEL_VALUE, [KIND_LABEL]: 'manual' },
              {},
            ]),
          },
          now,
        ),
      );
      const timeZone = pick(['UTC', BERLIN, 'America/New_York', 'Australia/Lord_Howe']);
      const result = planRetention({
        snapshots,
        policy,
        serverId: SERVER,
        now,
        timeZone,
        listingComplete: true,
      });

      const deletable = (s: RetentionCandidate) =>
        s.type === 'snapshot' &&
        s.serverId === SERVER &&
        (s.labels[SERVER_LABEL] === undefined || s.labels[SERVER_LABEL] === String(SERVER)) &&
        snapshotOrigin(s.labels) === 'auto' &&
        !s.protected &&
        s.status === 'available' &&
        s.created.getTime() <= now.getTime();
      const deleted = new Set(result.toDelete);
      deletedInAllRounds += deleted.size;
      for (const s of snapshots.filter((candidate) => deleted.has(candidate.id))) {
        expect(deletable(s)).toBe(true);
        expect(now.getTime() - s.created.getTime()).toBeGreaterThan(policy.retentionDays * DAY);
      }
      const pool = snapshots.filter(deletable);
      const remaining = pool.filter((s) => !deleted.has(s.id)).length;
      expect(remaining).toBeGreaterThanOrEqual(Math.min(policy.keepMin, pool.length));
      expect(result.decisions).toHaveLength(snapshots.length);
      expect(result.kept + result.toDelete.length).toBe(snapshots.length);
    }
    // The rounds must actually exercise deletion, or the checks above prove nothing.
    expect(deletedInAllRounds).toBeGreaterThan(200);
  });
});
