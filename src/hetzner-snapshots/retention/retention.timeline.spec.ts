import type { SnapshotOrigin } from '../labels/snapshot-labels';
import { planRetention, RetentionCandidate, RetentionPolicy } from './retention.policy';
import { buildRetentionTimeline, TimelineInput, TimelineModel } from './retention.timeline';

const SERVER = 77;
const NOW = new Date('2026-11-22T12:00:00Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const TZ = 'Europe/Berlin';

interface Row {
  id: number;
  agoMs: number;
  origin: SnapshotOrigin;
  protected?: boolean;
  description?: string;
}

function candidate(row: Row): RetentionCandidate {
  const labels: Record<string, string> =
    row.origin === 'external' ? {} : { 'managed-by': 'snapshot-panel', 'snapshot-panel/kind': row.origin };
  return {
    id: row.id,
    serverId: SERVER,
    created: new Date(NOW.getTime() - row.agoMs),
    status: 'available',
    protected: row.protected ?? false,
    labels,
    type: 'snapshot',
    description: row.description,
  };
}

/** The timeline of `rows` under `policy`, from the plan planRetention makes of them: as the page builds it. */
function timeline(
  rows: Row[],
  policy: RetentionPolicy,
  nextRuns: Date[] = [new Date(NOW.getTime() + 15 * HOUR)],
): TimelineModel {
  const plan = planRetention({
    snapshots: rows.map(candidate),
    policy,
    serverId: SERVER,
    now: NOW,
    timeZone: TZ,
    listingComplete: true,
  });
  const input: TimelineInput = {
    snapshots: rows.map((row) => ({
      id: row.id,
      description: row.description ?? `snap ${row.id}`,
      created: new Date(NOW.getTime() - row.agoMs),
      origin: row.origin,
      protected: row.protected ?? false,
    })),
    plan,
    policy,
    nextRuns,
    now: NOW,
    timeZone: TZ,
  };
  return buildRetentionTimeline(input);
}

const POLICY: RetentionPolicy = { retentionDays: 7, keepMin: 2, tiers: null };
const wide = (model: TimelineModel) => model.drawings.find((d) => d.layout === 'wide')!;

describe('buildRetentionTimeline', () => {
  // Each kind its lane and shape; protection a ring; "deleted by the next prune" a class and a cross.
  it.each([
    [
      'an automatic one within retention',
      { origin: 'auto', agoMs: 1 * DAY },
      'circle',
      'tl-mark tl-auto',
      'kept-until',
    ],
    [
      'an automatic one past retention',
      { origin: 'auto', agoMs: 9 * DAY },
      'circle',
      'tl-mark tl-auto tl-delete',
      'deleted-next',
    ],
    [
      'a protected automatic one',
      { origin: 'auto', agoMs: 9 * DAY, protected: true },
      'circle',
      'tl-mark tl-auto tl-protected',
      'kept',
    ],
    ['a manual one', { origin: 'manual', agoMs: 9 * DAY }, 'square', 'tl-mark tl-manual', 'kept'],
    ['a kept one', { origin: 'kept', agoMs: 9 * DAY }, 'diamond', 'tl-mark tl-kept', 'kept'],
    ['one made elsewhere', { origin: 'external', agoMs: 9 * DAY }, 'triangle', 'tl-mark tl-external', 'kept'],
  ] as const)('%s', (_name, row, shape, classes, fate) => {
    // Two newer automatic ones take the newest-K places, so the row under test is judged by age.
    const model = timeline(
      [
        { id: 1, origin: 'auto', agoMs: HOUR },
        { id: 2, origin: 'auto', agoMs: 2 * HOUR },
        { id: 3, ...row },
      ],
      POLICY,
    );
    const mark = wide(model).marks.find((m) => m.id === 3)!;
    expect({ shape: mark.shape, classes: mark.classes, fate: mark.fate }).toEqual({ shape, classes, fate });
    const lane = wide(model).lanes.find((l) => l.origin === row.origin)!;
    expect(mark.y).toBe(lane.y);
  });

  it('agrees with the plan: exactly the snapshots it deletes are crossed out, and the sentence counts them', () => {
    const rows: Row[] = [0.5, 1, 2, 3, 8, 9, 10].map((days, i) => ({
      id: 10 + i,
      origin: 'auto',
      agoMs: days * DAY,
      description: `auto ${days}d`,
    }));
    const plan = planRetention({
      snapshots: rows.map(candidate),
      policy: POLICY,
      serverId: SERVER,
      now: NOW,
      timeZone: TZ,
      listingComplete: true,
    });
    const model = timeline(rows, POLICY);
    for (const drawing of model.drawings)
      expect(
        drawing.marks
          .filter((m) => m.fate === 'deleted-next')
          .map((m) => m.id)
          .sort(),
      ).toEqual([...plan.toDelete].sort());
    expect(model.deleteCount).toBe(3);
    expect(model.headline).toBe('In words: the next prune deletes 3 of 7 snapshots');
    expect(model.sentence).toContain('The next prune deletes 3: “auto 10d”, “auto 9d”, “auto 8d”.');
  });

  it('places marks by time: older to the left, the retention window ending at now, next runs to its right', () => {
    const model = timeline(
      [
        { id: 1, origin: 'auto', agoMs: 1 * DAY },
        { id: 2, origin: 'auto', agoMs: 5 * DAY },
      ],
      POLICY,
    );
    const d = wide(model);
    const [older, newer] = [d.marks.find((m) => m.id === 2)!, d.marks.find((m) => m.id === 1)!];
    expect(older.x).toBeLessThan(newer.x);
    expect(d.window.x2).toBe(d.now.x);
    expect(d.window.x1).toBeLessThan(older.x);
    expect(d.nextRuns).toHaveLength(1);
    expect(d.nextRuns[0].x).toBeGreaterThan(d.now.x);
    expect(d.nextRuns[0].x).toBeLessThanOrEqual(d.plotRight);
    expect(d.window.label).toBe('kept 7 days');
  });

  it('reaches back to older snapshots, up to twice its span, and clamps older ones to its left edge', () => {
    const reach = timeline([{ id: 1, origin: 'auto', agoMs: 12 * DAY }], POLICY);
    expect(reach.title).toBe('Retention timeline: 1 snapshot over the last 12 days');
    expect(wide(reach).marks[0].clamped).toBe(false);
    const model = timeline([{ id: 1, origin: 'external', agoMs: 400 * DAY }], POLICY);
    const mark = wide(model).marks[0];
    expect(mark.x).toBe(wide(model).plotLeft);
    expect(mark.clamped).toBe(true);
    expect(mark.text).toMatch(/\(older than the timeline shows\)$/);
  });

  it.each([
    ['no tiers', null, []],
    ['daily for 7 days', { hourly: 0, daily: 7, weekly: 0, monthly: 0 }, ['daily ×7']],
    [
      'every tier',
      { hourly: 24, daily: 7, weekly: 4, monthly: 6 },
      ['hourly ×24', 'daily ×7', 'weekly ×4', 'monthly ×6'],
    ],
  ])('draws the tier buckets: %s', (_name, tiers, labels) => {
    const model = timeline([{ id: 1, origin: 'auto', agoMs: DAY }], { ...POLICY, tiers });
    const d = wide(model);
    expect(d.tiers.map((t) => t.label)).toEqual(labels);
    for (const tier of d.tiers) {
      expect(tier.x2).toBe(d.now.x);
      expect(tier.x1).toBeLessThan(tier.x2);
    }
    // The axis reaches past the longest tier, so its buckets fit.
    if (labels.length === 4) expect(model.title).toMatch(/over the last 7 months$/);
  });

  it('gives the same facts in words as in the picture', () => {
    const model = timeline(
      [
        { id: 1, origin: 'auto', agoMs: HOUR, description: 'newest' },
        { id: 2, origin: 'auto', agoMs: 2 * HOUR },
        { id: 3, origin: 'manual', agoMs: 3 * DAY, description: 'by hand' },
        { id: 4, origin: 'external', agoMs: 30 * DAY, protected: true, description: 'golden' },
      ],
      { retentionDays: 7, keepMin: 2, tiers: { hourly: 0, daily: 7, weekly: 4, monthly: 0 } },
      [new Date(NOW.getTime() + 15 * HOUR), new Date(NOW.getTime() + 39 * HOUR)],
    );
    expect(model.title).toBe('Retention timeline: 4 snapshots over the last 34 days');
    expect(model.sentence).toBe(
      '4 snapshots: 2 automatic, 1 manual, 1 made elsewhere; 1 protected. ' +
        'Retention keeps automatic snapshots for 7 days, plus the newest of each day for 7 days and the newest of each week for 4 weeks, and always the newest 2. ' +
        'The next prune deletes nothing. ' +
        'Next runs: 23 Nov 2026, 04:00 CET; 24 Nov 2026, 04:00 CET.',
    );
    expect(model.list).toEqual([
      '“newest”, automatic, created 22 Nov 2026, 12:00 CET: kept as one of the newest',
      '“snap 2”, automatic, created 22 Nov 2026, 11:00 CET: kept as one of the newest',
      '“by hand”, manual, created 19 Nov 2026, 13:00 CET: never removed by retention',
      '“golden”, made elsewhere, protected, created 23 Oct 2026, 14:00 CEST: never removed by retention',
    ]);
    expect(model.protectedCount).toBe(1);
  });

  it('says when nothing is listed, nothing is scheduled, or the policy cannot be applied', () => {
    const empty = buildRetentionTimeline({
      snapshots: [],
      plan: null,
      policy: POLICY,
      nextRuns: [],
      now: NOW,
      timeZone: TZ,
    });
    expect(empty.sentence).toBe(
      'No snapshots are listed yet. Retention keeps automatic snapshots for 7 days, and always the newest 2. ' +
        'The retention settings cannot be applied, so nothing is deleted. No automatic run is scheduled.',
    );
    expect(wide(empty).lanes.map((l) => l.label)).toEqual(['Automatic']);
    expect(wide(empty).nextRuns).toEqual([]);
  });

  it('merges marks drawn on the same spot, so thousands of snapshots stay a picture', () => {
    const rows: Row[] = Array.from({ length: 2000 }, (_, i) => ({
      id: 1000 + i,
      origin: 'manual',
      agoMs: i * 5 * 60_000,
    }));
    const model = timeline(rows, POLICY);
    for (const drawing of model.drawings) expect(drawing.marks.length).toBeLessThanOrEqual(drawing.width);
    expect(wide(model).marks.some((m) => /^\d+ snapshots here, the first /.test(m.text))).toBe(true);
    expect(model.list).toHaveLength(101);
    expect(model.list[100]).toBe('… and 1900 older ones');
  });

  it('labels the axis with local dates, at most 8 wide and 4 narrow', () => {
    const model = timeline([{ id: 1, origin: 'auto', agoMs: DAY }], POLICY);
    const [w, n] = model.drawings;
    expect(w.ticks.length).toBeLessThanOrEqual(8);
    expect(n.ticks.length).toBeLessThanOrEqual(4);
    for (const tick of w.ticks) expect(tick.label).toMatch(/^\d{1,2} [A-Z][a-z]{2}$/);
    expect(w.ticks.map((t) => t.x)).toEqual([...w.ticks.map((t) => t.x)].sort((a, b) => a - b));
  });
});
