import type { HcloudImage, HcloudServerTypeListing } from '../hcloud';
import {
  chooseDrillServerType,
  drillCost,
  drillServerLabels,
  drillServersToDelete,
  estimateDrillMinutes,
  estimateRestoreMinutes,
  isDrillDue,
  newestAutomaticSnapshot,
} from './drill.rules';

function type(
  name: string,
  over: Partial<HcloudServerTypeListing> & { hourly?: string; available?: Record<string, boolean> } = {},
): HcloudServerTypeListing {
  const { hourly = '0.0100', available = { fsn1: true, nbg1: true }, ...rest } = over;
  return {
    id: name.length,
    name,
    description: name,
    cores: 2,
    memory: 4,
    disk: 40,
    storage_type: 'local',
    cpu_type: 'shared',
    architecture: 'x86',
    deprecated: false,
    prices: Object.keys(available).map((location) => ({
      location,
      price_hourly: { net: hourly, gross: hourly },
      price_monthly: { net: '5.0000', gross: '5.0000' },
    })),
    locations: Object.entries(available).map(([n, a], i) => ({
      id: i + 1,
      name: n,
      deprecation: null,
      available: a,
    })),
    ...rest,
  };
}

describe('chooseDrillServerType', () => {
  const image = { architecture: 'x86' as const, disk_size: 40 };
  it.each([
    ['the cheapest that fits', [type('big', { disk: 80, hourly: '0.0200' }), type('small')], 'small'],
    ['skips another architecture', [type('arm', { architecture: 'arm', hourly: '0.0010' }), type('x')], 'x'],
    ['skips a disk too small', [type('tiny', { disk: 20, hourly: '0.0010' }), type('ok')], 'ok'],
    [
      'skips a type sold out here',
      [type('soldout', { hourly: '0.0010', available: { fsn1: false } }), type('ok')],
      'ok',
    ],
    [
      'skips a type not offered here',
      [type('elsewhere', { hourly: '0.0010', available: { ash: true } }), type('ok')],
      'ok',
    ],
    ['skips a deprecated type', [type('old', { hourly: '0.0010', deprecated: true }), type('ok')], 'ok'],
    ['a tie goes to the smaller disk', [type('b', { disk: 80 }), type('a2', { disk: 40 })], 'a2'],
  ])('%s', (_name, types, expected) => {
    const result = chooseDrillServerType({ image, types, location: 'fsn1' });
    expect(result.ok && result.choice.type.name).toBe(expected);
  });

  it('says why when nothing fits', () => {
    const result = chooseDrillServerType({
      image: { architecture: 'arm', disk_size: 160 },
      types: [type('x')],
      location: 'fsn1',
    });
    expect(result).toEqual({
      ok: false,
      reason: 'No server type available in fsn1 can take this snapshot (arm, a disk of at least 160 GB).',
    });
  });
});

describe('drillCost: every started hour is billed, capped at the monthly price', () => {
  it.each([
    [0.0062, 4, undefined, 0.0062],
    [0.0062, 60, undefined, 0.0062],
    [0.0062, 61, undefined, 0.0124],
    [1, 50_000, 5, 5],
    [0.01, 0, undefined, 0.01],
  ])('%p/h for %p min (cap %p) = %p', (hourlyGross, minutes, monthlyGross, expected) => {
    expect(drillCost({ hourlyGross, minutes, monthlyGross })).toBe(expected);
  });
});

describe('estimates', () => {
  it.each([
    [null, 3],
    [4.2, 4],
    [35, 7],
  ])('a drill of a %p GB snapshot takes about %p minutes', (size, minutes) => {
    expect(estimateDrillMinutes(size)).toBe(minutes);
  });
  it.each([
    [12, null, 3],
    [40, { bootSeconds: 90, imageSizeGb: 10 }, 6],
    [1, { bootSeconds: 5, imageSizeGb: 10 }, 1],
  ])('a rebuild of %p GB (measured %p) takes about %p minutes', (size, measured, minutes) => {
    expect(estimateRestoreMinutes(size, measured)).toBe(minutes);
  });
});

describe('drillServersToDelete: only our own drill servers, never anything else', () => {
  const drill = (id: number, of: number) => ({
    id,
    name: `d${id}`,
    created: '',
    labels: drillServerLabels({ panelServerId: of, imageId: 1 }),
  });
  const servers = [
    drill(10, 42), // ours by label
    drill(11, 77), // another panel's drill, but recorded by us (e.g. an id we wrote down)
    drill(12, 77), // another panel's drill, not recorded: untouched
    { id: 13, name: 'web-2', created: '', labels: { 'managed-by': 'snapshot-panel' } }, // recorded, no drill label
    { ...drill(42, 42) }, // our own server with drill labels by mistake: never
    drill(14, 42), // running right now
  ];
  it('picks servers with the drill labels that we recorded or that name our server', () => {
    const result = drillServersToDelete({
      servers,
      recordedIds: new Set([11, 13, 42]),
      panelServerId: 42,
      activeServerIds: new Set([14]),
    });
    expect(result.map((r) => [r.server.id, r.reason])).toEqual([
      [10, 'it is labelled as a drill of server 42'],
      [11, 'its id is in the drill records'],
    ]);
  });
});

describe('isDrillDue', () => {
  const now = new Date('2026-12-01T04:00:00Z');
  const daysAgo = (d: number) => new Date(now.getTime() - d * 86_400_000);
  it.each([
    ['off', null, false],
    ['weekly', null, true],
    ['weekly', daysAgo(6), false],
    ['weekly', daysAgo(7), true],
    ['monthly', daysAgo(29), false],
    ['monthly', daysAgo(30), true],
  ] as const)('%s, last %p: %p', (schedule, last, due) => {
    expect(isDrillDue({ schedule, lastScheduledStart: last, now })).toBe(due);
  });
});

describe('newestAutomaticSnapshot', () => {
  const image = (id: number, created: string, over: Partial<HcloudImage> = {}) =>
    ({
      id,
      type: 'snapshot',
      status: 'available',
      created,
      created_from: { id: 42, name: 'web-1' },
      labels: { 'managed-by': 'snapshot-panel', 'snapshot-panel/kind': 'auto' },
      ...over,
    }) as HcloudImage;
  it('is the newest available automatic snapshot of this server', () => {
    const images = [
      image(1, '2026-11-01T00:00:00Z'),
      image(2, '2026-11-03T00:00:00Z'),
      image(3, '2026-11-04T00:00:00Z', { status: 'creating' }),
      image(4, '2026-11-05T00:00:00Z', {
        labels: { 'managed-by': 'snapshot-panel', 'snapshot-panel/kind': 'manual' },
      }),
      image(5, '2026-11-06T00:00:00Z', { created_from: { id: 7, name: 'db' } }),
    ];
    expect(newestAutomaticSnapshot(images, 42)?.id).toBe(2);
    expect(newestAutomaticSnapshot([], 42)).toBeNull();
  });
});
