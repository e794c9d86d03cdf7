// The fault campaign's judge must itself be right: its rules checked on hand-worked cases.
import type { FakeImageRecord } from '../../src/fake-hcloud';
import { deletableByRules, OraclePolicy } from './support/retention-oracle';

const SERVER = 4201;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const AUTO = { 'managed-by': 'snapshot-panel', 'snapshot-panel/kind': 'auto' };

let nextId = 1;
function image(created: Date, extra: Partial<FakeImageRecord> = {}): FakeImageRecord {
  return {
    id: nextId++,
    projectId: 1,
    type: 'snapshot',
    status: 'available',
    name: null,
    description: `at ${created.toISOString()}`,
    imageSize: 3,
    diskSize: 40,
    created,
    createdFrom: { id: SERVER, name: 'web-1' },
    boundTo: null,
    osFlavor: 'ubuntu',
    osVersion: '24.04',
    architecture: 'x86',
    rapidDeploy: false,
    protection: { delete: false },
    deprecated: null,
    labels: { ...AUTO },
    ...extra,
  };
}

function judge(images: FakeImageRecord[], policy: OraclePolicy, now: Date): number[] {
  const ids = deletableByRules({ images, serverId: SERVER, policy, now, timeZone: 'Europe/Berlin' });
  return images.filter((i) => ids.has(i.id)).map((i) => images.indexOf(i));
}

describe('retention oracle of the fault campaign', () => {
  const now = new Date('2026-03-11T12:00:00Z'); // a Wednesday, 13:00 in Berlin (CET)
  const ago = (ms: number) => new Date(now.getTime() - ms);

  it('keeps the newest K and everything within the retention days', () => {
    const images = [ago(1 * DAY), ago(10 * DAY), ago(20 * DAY), ago(30 * DAY)].map((at) => image(at));
    expect(judge(images, { retentionDays: 7, keepMin: 2, tiers: null }, now)).toEqual([2, 3]);
    expect(judge(images, { retentionDays: 25, keepMin: 1, tiers: null }, now)).toEqual([3]);
    expect(judge(images, { retentionDays: 1, keepMin: 4, tiers: null }, now)).toEqual([]);
  });

  it('never deletes what is not an available, unprotected automatic snapshot of this server from the past', () => {
    const old = ago(100 * DAY);
    const images = [
      image(ago(1 * DAY)),
      image(old, { protection: { delete: true } }),
      image(old, { labels: { 'managed-by': 'snapshot-panel', 'snapshot-panel/kind': 'manual' } }),
      image(old, { labels: { 'managed-by': 'snapshot-panel', 'snapshot-panel/kind': 'kept' } }),
      image(old, { labels: {} }),
      image(old, { createdFrom: { id: SERVER + 1, name: 'db-1' } }),
      image(old, { createdFrom: null }),
      image(old, { status: 'creating' }),
      image(old, { type: 'backup' }),
      image(new Date(now.getTime() + DAY)),
      image(old),
    ];
    expect(judge(images, { retentionDays: 1, keepMin: 1, tiers: null }, now)).toEqual([10]);
  });

  it('keeps a snapshot whose server label and created_from disagree (doubt keeps)', () => {
    const old = ago(100 * DAY);
    const images = [
      image(ago(1 * DAY)),
      // Labelled with this server, made from another.
      image(old, {
        createdFrom: { id: SERVER + 1, name: 'db-1' },
        labels: { ...AUTO, 'snapshot-panel/server': String(SERVER) },
      }),
      // Made from this server, labelled with another.
      image(old, { labels: { ...AUTO, 'snapshot-panel/server': String(SERVER + 1) } }),
      // Labelled with this server, source gone.
      image(old, { createdFrom: null, labels: { ...AUTO, 'snapshot-panel/server': String(SERVER) } }),
      // Both agree: deletable, like one made before the label existed.
      image(old, { labels: { ...AUTO, 'snapshot-panel/server': String(SERVER) } }),
      image(old),
    ];
    expect(judge(images, { retentionDays: 1, keepMin: 1, tiers: null }, now)).toEqual([4, 5]);
  });

  it('counts only deletable kinds towards the newest K', () => {
    const images = [
      image(ago(2 * DAY), { protection: { delete: true } }),
      image(ago(3 * DAY)),
      image(ago(4 * DAY)),
      image(ago(5 * DAY)),
    ];
    expect(judge(images, { retentionDays: 1, keepMin: 2, tiers: null }, now)).toEqual([3]);
  });

  it('keeps the newest snapshot of each of the last N local days', () => {
    const images = [
      ago(2 * HOUR), // today
      ago(26 * HOUR), // yesterday 11:00 Berlin: newest of yesterday
      ago(30 * HOUR), // yesterday 07:00 Berlin
      ago(50 * HOUR), // two days ago
      ago(74 * HOUR), // three days ago: outside a 3-day tier
    ].map((at) => image(at));
    const policy = { retentionDays: 1, keepMin: 1, tiers: { hourly: 0, daily: 3, weekly: 0, monthly: 0 } };
    expect(judge(images, policy, now)).toEqual([2, 4]);
  });

  it('buckets days by Berlin time, not UTC', () => {
    // 23:30 UTC on 9 March is 00:30 on 10 March in Berlin: the same day as the 06:00 UTC one, not a day of its own.
    const images = [
      image(ago(2 * HOUR)),
      image(new Date('2026-03-10T06:00:00Z')),
      image(new Date('2026-03-09T23:30:00Z')),
    ];
    const policy = { retentionDays: 1, keepMin: 1, tiers: { hourly: 0, daily: 3, weekly: 0, monthly: 0 } };
    expect(judge(images, policy, now)).toEqual([2]);
  });

  it('keeps the newest snapshot of each of the last N ISO weeks and months', () => {
    const images = [
      new Date('2026-03-09T10:00:00Z'), // Monday this week
      new Date('2026-03-08T10:00:00Z'), // Sunday last week: newest of last week
      new Date('2026-03-07T10:00:00Z'), // Saturday last week
      new Date('2026-02-25T10:00:00Z'), // two weeks ago; newest of February
      new Date('2026-02-01T10:00:00Z'), // February
      new Date('2026-01-15T10:00:00Z'), // newest of January
    ].map((at) => image(at));
    const weekly = { retentionDays: 1, keepMin: 1, tiers: { hourly: 0, daily: 0, weekly: 2, monthly: 0 } };
    expect(judge(images, weekly, now)).toEqual([2, 3, 4, 5]);
    const monthly = { retentionDays: 1, keepMin: 1, tiers: { hourly: 0, daily: 0, weekly: 0, monthly: 3 } };
    expect(judge(images, monthly, now)).toEqual([1, 2, 4]);
  });

  it('keeps the newest snapshot of each of the last N real hours', () => {
    const images = [
      ago(10 * 60_000), // the newest
      new Date('2026-03-10T10:50:00Z'), // 26 hours ago: newest of its hour
      new Date('2026-03-10T10:40:00Z'), // same hour
      new Date('2026-03-10T05:00:00Z'), // 31 hours ago: outside a 30-hour tier
    ].map((at) => image(at));
    const policy = { retentionDays: 1, keepMin: 1, tiers: { hourly: 30, daily: 0, weekly: 0, monthly: 0 } };
    expect(judge(images, policy, now)).toEqual([2, 3]);
  });
});
