import type { HcloudImage } from '../hcloud';
import { averageSnapshotSizeGb, previewRetention, RetentionPreviewInput } from './retention-preview';

const SERVER = 9;
const NOW = new Date('2026-11-22T12:00:00Z');
const DAY = 86_400_000;
let nextId = 1;

function image(kind: string | null, sizeGb: number | null, daysAgo = 1, serverId = SERVER): HcloudImage {
  return {
    id: nextId++,
    type: 'snapshot',
    status: 'available',
    description: `snap ${nextId}`,
    image_size: sizeGb,
    created: new Date(NOW.getTime() - daysAgo * DAY).toISOString(),
    created_from: { id: serverId, name: 'web' },
    protection: { delete: false },
    labels: kind ? { 'managed-by': 'snapshot-panel', 'snapshot-panel/kind': kind } : {},
  } as unknown as HcloudImage;
}

const base = (over: Partial<RetentionPreviewInput> = {}): RetentionPreviewInput => ({
  policy: { retentionDays: 7, keepMin: 3, tiers: null },
  runsPerDay: 4,
  nextRuns: [new Date(NOW.getTime() + 3_600_000)],
  images: [image('auto', 2.4), image('auto', 2.4), image('manual', 20)],
  serverId: SERVER,
  pricing: { currency: 'EUR', pricePerGbMonth: 0.011, serverMonthly: 5, backupPercentage: 20 },
  now: NOW,
  timeZone: 'Europe/Berlin',
  ...over,
});

describe('averageSnapshotSizeGb', () => {
  it.each([
    ['automatic ones when there are any', [image('auto', 2), image('auto', 4), image('manual', 30)], 3],
    ['every snapshot of the server without automatic ones', [image('manual', 2), image(null, 4)], 3],
    ['null without sizes', [image('auto', null)], null],
    ['not other servers’ snapshots', [image('auto', 2), image('auto', 100, 1, 10)], 2],
  ])('%s', (_name, images, expected) => {
    expect(averageSnapshotSizeGb(images, SERVER)).toBe(expected);
  });
});

describe('previewRetention', () => {
  it.each([
    [
      'count, size and cost',
      {},
      'Keeps about 28 automatic snapshots, about 67 GB, about €0.74 a month at today’s sizes.',
    ],
    ['no prices yet', { pricing: null }, 'Keeps about 28 automatic snapshots, about 67 GB at today’s sizes.'],
    [
      'nothing listed yet',
      { images: null },
      'Keeps about 28 automatic snapshots (sizes are known once the panel has listed this server’s snapshots).',
    ],
    [
      'no server known',
      { serverId: null },
      'Keeps about 28 automatic snapshots (sizes are known once the panel has listed this server’s snapshots).',
    ],
    [
      'daily for 30 days',
      { runsPerDay: 1, policy: { retentionDays: 30, keepMin: 3, tiers: null } },
      'Keeps about 30 automatic snapshots, about 72 GB, about €0.79 a month at today’s sizes.',
    ],
  ])('%s', (_name, over, estimate) => {
    expect(previewRetention(base(over as Partial<RetentionPreviewInput>)).estimate).toBe(estimate);
  });

  it('draws the timeline of the unsaved policy over the cached list', () => {
    const old = image('auto', 2, 20);
    const preview = previewRetention(
      base({ images: [image('auto', 2), image('auto', 2), image('auto', 2), old] }),
    );
    expect(preview.timeline.deleteCount).toBe(1);
    expect(preview.timeline.drawings[0].marks.find((m) => m.id === old.id)?.fate).toBe('deleted-next');
    const longer = previewRetention(
      base({
        images: [image('auto', 2), image('auto', 2), image('auto', 2), old],
        policy: { retentionDays: 30, keepMin: 3, tiers: null },
      }),
    );
    expect(longer.timeline.deleteCount).toBe(0);
  });
});
