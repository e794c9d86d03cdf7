import type { HcloudImage } from '../hcloud';
import { KIND_LABEL, PANEL_LABEL, PANEL_LABEL_VALUE } from '../labels/snapshot-labels';
import {
  parseFilterParams,
  parsePageParam,
  presentSnapshots,
  SnapshotsPresenterInput,
} from './snapshots.presenter';

const SERVER = 4201;
const NOW = new Date('2026-11-22T12:00:00Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

let nextId = 100001;
function image(overrides: Partial<HcloudImage> & { ago?: number; kind?: string } = {}): HcloudImage {
  const { ago = HOUR, kind, ...rest } = overrides;
  return {
    id: nextId++,
    type: 'snapshot',
    status: 'available',
    name: null,
    description: 'a snapshot',
    image_size: 1.5,
    disk_size: 40,
    created: new Date(NOW.getTime() - ago).toISOString(),
    created_from: { id: SERVER, name: 'web-1' },
    bound_to: null,
    os_flavor: 'ubuntu',
    os_version: '24.04',
    protection: { delete: false },
    deprecated: null,
    deleted: null,
    labels: kind ? { [PANEL_LABEL]: PANEL_LABEL_VALUE, [KIND_LABEL]: kind } : {},
    architecture: 'x86',
    ...rest,
  };
}

function present(images: HcloudImage[], extra: Partial<SnapshotsPresenterInput> = {}) {
  return presentSnapshots({
    images,
    serverId: SERVER,
    policy: { retentionDays: 7, keepMin: 3, tiers: null },
    now: NOW,
    timeZone: 'Europe/Berlin',
    page: 1,
    pricing: { currency: 'EUR', pricePerGbMonth: 0.0143, serverMonthly: 4.55, backupPercentage: 20 },
    basePath: '/snapshots',
    ...extra,
  });
}

describe('presentSnapshots', () => {
  it('shows newest first, in the server time zone and relative to now', () => {
    const older = image({ ago: 3 * DAY + 2 * HOUR, description: 'older' });
    const newer = image({ ago: 3 * HOUR, description: 'newer' });
    const view = present([older, newer]);
    expect(view.rows.map((r) => r.description)).toEqual(['newer', 'older']);
    expect(view.rows[0].createdText).toBe('22 Nov 2026, 10:00 CET');
    expect(view.rows[0].createdRelative).toBe('3 hours ago');
    expect(view.rows[1].createdRelative).toBe('3 days ago');
  });

  it.each([
    ['auto', 'automatic', 'on schedule, by this panel'],
    ['manual', 'manual', 'by hand, in this panel'],
    ['kept', 'kept', 'marked to keep in this panel'],
    [undefined, 'made elsewhere', 'console, CLI or another tool'],
    ['something-else', 'made elsewhere', 'console, CLI or another tool'],
  ])('tells who made it: kind %s', (kind, label, detail) => {
    const [row] = present([image({ kind })]).rows;
    expect(row.origin).toMatchObject({ label, detail });
  });

  it.each([
    ['available', 1.5, 'available', '1.5 GB'],
    ['creating', null, 'creating', '—'],
    ['unavailable', 2, 'unavailable', '2 GB'],
  ] as const)('shows status %s with its size', (status, size, label, sizeText) => {
    const [row] = present([image({ status, image_size: size })]).rows;
    expect(row.status.label).toBe(label);
    expect(row.sizeText).toBe(sizeText);
  });

  it('shows the progress of a snapshot this process is creating', () => {
    const creating = image({ status: 'creating', image_size: null });
    const [row] = present([creating], { progress: new Map([[creating.id, 42]]) }).rows;
    expect(row.status).toMatchObject({
      label: 'creating 42%',
      progress: 42,
      showProgress: true,
      creating: true,
    });
    expect(row.actions.deleteHref).toBeNull();
    expect(row.actions.restoreHref).toBeNull();
  });

  it('links available snapshots to the restore page', () => {
    const available = image();
    expect(present([available]).rows[0].actions.restoreHref).toBe(`/snapshots/${available.id}/restore`);
    expect(present([image({ status: 'unavailable' })]).rows[0].actions.restoreHref).toBeNull();
  });

  it('says when retention removes each automatic snapshot, as the pruner would decide', () => {
    const autos = [1, 2, 3, 4, 9].map((days) =>
      image({ kind: 'auto', ago: days * DAY, description: `auto ${days}d` }),
    );
    const manual = image({ kind: 'manual', ago: 30 * DAY, description: 'manual' });
    const kept = image({ kind: 'kept', ago: 40 * DAY, description: 'kept' });
    const external = image({ ago: 50 * DAY, description: 'external' });
    const view = present([...autos, manual, kept, external]);
    const text = Object.fromEntries(view.rows.map((r) => [r.description, r.retention.text]));
    expect(text['auto 1d']).toBe('kept: among the newest 3');
    expect(text['auto 3d']).toBe('kept: among the newest 3');
    // Created 4 days ago with a 7-day retention: kept until 3 days from now, in Berlin time.
    expect(text['auto 4d']).toBe('kept until 25 Nov 2026, 13:00 CET');
    expect(text['auto 9d']).toBe('removed at the next prune');
    expect(text.manual).toBe('never removed by retention');
    expect(text.kept).toBe('kept: marked to keep');
    expect(text.external).toBe('never removed by retention');
  });

  it('never marks a protected automatic snapshot for removal', () => {
    const autos = [1, 2, 3].map((days) => image({ kind: 'auto', ago: days * DAY }));
    const old = image({ kind: 'auto', ago: 20 * DAY, protection: { delete: true } });
    const row = present([...autos, old]).rows.find((r) => r.id === old.id)!;
    expect(row.retention.text).toBe('kept: protected');
    expect(row.protected).toBe(true);
    expect(row.actions).toMatchObject({ deleteHref: null, canUnprotect: true, canProtect: false });
  });

  it('reports a policy it cannot apply instead of guessing', () => {
    const view = present([image({ kind: 'auto' })], { policy: { retentionDays: 0, keepMin: 3 } });
    expect(view.retentionProblem).toMatch(/retention settings cannot be applied/);
    expect(view.rows[0].retention.text).toBe('—');
  });

  it('says so when the saved tiers cannot be read, as the pruner then deletes nothing', () => {
    const view = present([image({ kind: 'auto' })], { policy: null });
    expect(view.retentionProblem).toMatch(/cannot be read, so retention removes nothing/);
    expect(view.rows[0].retention.text).toBe('—');
  });

  it('offers Keep on automatic ones and Stop keeping on kept ones only', () => {
    const rows = present([image({ kind: 'auto' }), image({ kind: 'kept' }), image({ kind: 'manual' })]).rows;
    expect(rows.map((r) => [r.origin.kind, r.actions.canKeep, r.actions.canUnkeep])).toEqual(
      expect.arrayContaining([
        ['auto', true, false],
        ['kept', false, true],
        ['manual', false, false],
      ]),
    );
  });

  it('sums sizes and prices them, next to what Backups would cost', () => {
    const view = present([
      image({ image_size: 10 }),
      image({ image_size: 20.5 }),
      image({ status: 'creating', image_size: null }),
    ]);
    expect(view.summary).toMatchObject({
      count: 3,
      countText: '3 snapshots',
      totalSizeText: '30.5 GB',
      creatingCount: 1,
      monthlyCostText: '€0.44 / month',
      backupsCostText: '€0.91 / month',
      pricePerGbText: '€0.0143 per GB and month',
    });
    expect(view.summary.backupsDetail).toContain('20% of the server');
    expect(view.anyCreating).toBe(true);
  });

  it('leaves the cost open without prices', () => {
    const view = present([image()], { pricing: null });
    expect(view.summary.monthlyCostText).toBeNull();
    expect(view.summary.backupsCostText).toBeNull();
  });

  it('pages through thousands of snapshots, fifty at a time', () => {
    const many = Array.from({ length: 1200 }, (_, i) => image({ ago: (i + 1) * 60_000 }));
    const first = present(many);
    expect(first.rows).toHaveLength(50);
    expect(first.pager).toEqual({
      page: 1,
      pageCount: 24,
      rangeText: 'Showing 1–50 of 1,200',
      prevHref: null,
      nextHref: '/snapshots?page=2',
    });
    const last = present(many, { page: 24 });
    expect(last.rows).toHaveLength(50);
    expect(last.rows[49].id).toBe(many[1199].id);
    expect(last.pager).toMatchObject({ prevHref: '/snapshots?page=23', nextHref: null });
    expect(present(many, { page: 99 }).pager?.page).toBe(24);
    expect(present(many, { page: 2 }).pager?.prevHref).toBe('/snapshots');
    expect(present(many.slice(0, 5)).pager).toBeNull();
  });

  it('is empty without snapshots', () => {
    const view = present([]);
    expect(view).toMatchObject({ empty: true, rows: [], pager: null, anyCreating: false });
    expect(view.summary.countText).toBe('0 snapshots');
  });
});

describe('filters', () => {
  const mixed = () => [
    image({ kind: 'auto', description: 'nightly', ago: 1 * HOUR }),
    image({ kind: 'manual', description: 'Before the Upgrade', ago: 2 * HOUR }),
    image({ kind: 'kept', description: 'keep me', ago: 3 * HOUR }),
    image({ description: 'from the console', ago: 4 * HOUR }),
    image({ kind: 'auto', description: 'nightly too', ago: 10 * DAY }),
  ];

  it.each([
    ['no filter', { kind: null, text: '' }, 5, null],
    ['automatic', { kind: 'auto', text: '' }, 2, '2 of 5 snapshots match'],
    ['made elsewhere', { kind: 'external', text: '' }, 1, '1 of 5 snapshots match'],
    ['text, any case', { kind: null, text: 'upgrade' }, 1, '1 of 5 snapshots match'],
    ['kind and text', { kind: 'auto', text: 'too' }, 1, '1 of 5 snapshots match'],
    ['nothing matches', { kind: 'kept', text: 'nightly' }, 0, '0 of 5 snapshots match'],
  ] as const)('%s', (_name, filter, rows, matchText) => {
    const view = present(mixed(), { filter });
    expect(view.rows).toHaveLength(rows);
    expect(view.filter.matchText).toBe(matchText);
    expect(view.filter.active).toBe(matchText !== null);
    // Retention still judges every snapshot, and the summary counts them all.
    expect(view.summary.count).toBe(5);
    expect(view.timeline?.list).toHaveLength(5);
  });

  it('finds a snapshot by its id', () => {
    const images = mixed();
    expect(
      present(images, { filter: { kind: null, text: String(images[2].id) } }).rows.map((r) => r.id),
    ).toEqual([images[2].id]);
  });

  it('keeps the filter in the pager’s links', () => {
    const many = Array.from({ length: 120 }, (_, i) => image({ kind: 'auto', ago: (i + 1) * 60_000 }));
    const view = present(many, { filter: { kind: 'auto', text: 'snap' }, page: 2 });
    expect(view.pager).toMatchObject({
      page: 2,
      pageCount: 3,
      prevHref: '/snapshots?kind=auto&q=snap',
      nextHref: '/snapshots?kind=auto&q=snap&page=3',
    });
  });

  it('marks the chosen kind in the select', () => {
    const view = present(mixed(), { filter: { kind: 'kept', text: '' } });
    expect(view.filter.kinds.filter((k) => k.selected).map((k) => k.value)).toEqual(['kept']);
    expect(view.filter.kinds.map((k) => k.label)).toEqual([
      'every kind',
      'automatic',
      'manual',
      'kept',
      'made elsewhere',
    ]);
  });

  it.each([
    ['a known kind', 'manual', 'x', { kind: 'manual', text: 'x' }],
    ['an unknown kind', 'evil', '', { kind: null, text: '' }],
    ['an array', ['auto', 'manual'], ['a', 'b'], { kind: null, text: '' }],
    ['an object', { a: 1 }, { b: 2 }, { kind: null, text: '' }],
    ['padded text', '', '  web  ', { kind: null, text: 'web' }],
    ['very long text', '', 'x'.repeat(500), { kind: null, text: 'x'.repeat(100) }],
  ])('parseFilterParams: %s', (_name, kind, text, expected) => {
    expect(parseFilterParams(kind, text)).toEqual(expected);
  });
});

describe('timeline and phone texts', () => {
  it('draws the timeline from the same plan as the retention column, with the next runs', () => {
    const old = image({ kind: 'auto', ago: 10 * DAY });
    const images = [
      image({ kind: 'auto', ago: HOUR }),
      image({ kind: 'auto', ago: 2 * HOUR }),
      image({ kind: 'auto', ago: 3 * HOUR }),
      old,
    ];
    const view = present(images, { nextRuns: [new Date(NOW.getTime() + 5 * HOUR)] });
    const row = view.rows.find((r) => r.id === old.id)!;
    expect(row.retention.text).toBe('removed at the next prune');
    const marks = view.timeline!.drawings[0].marks;
    expect(marks.filter((m) => m.fate === 'deleted-next').map((m) => m.id)).toEqual([old.id]);
    expect(view.timeline!.drawings[0].nextRuns).toHaveLength(1);
  });

  it('has no timeline when the policy cannot be read', () => {
    expect(present([image({ kind: 'auto' })], { policy: null }).timeline).toBeNull();
  });

  it.each([
    ['newest', { kind: 'auto', ago: HOUR }, 'newest 3'],
    ['kept until', { kind: 'auto', ago: 4 * DAY }, 'until 25 Nov'],
    ['past retention', { kind: 'auto', ago: 9 * DAY }, 'pruned next'],
    ['kept', { kind: 'kept', ago: 9 * DAY }, 'kept'],
    ['made elsewhere', { ago: 9 * DAY }, 'never pruned'],
  ] as const)('gives the phone list a short retention text: %s', (_name, overrides, short) => {
    const newer = [1, 2, 3].map((h) => image({ kind: 'auto', ago: h * 60_000 }));
    const target = image(overrides);
    const view = present(overrides.ago === HOUR ? [target] : [...newer, target]);
    expect(view.rows.find((r) => r.id === target.id)!.retention.short).toBe(short);
  });
});

describe('parsePageParam', () => {
  it.each([
    ['3', 3],
    [undefined, 1],
    ['0', 1],
    ['-2', 1],
    ['abc', 1],
    ['1e3', 1],
    ['9999999', 1],
    [['2', '3'], 1],
  ])('%p → %p', (raw, page) => expect(parsePageParam(raw)).toBe(page));
});
