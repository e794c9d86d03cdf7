import type { HcloudImage } from '../hcloud';
import { needsServerLabel } from './label-backfill.service';
import {
  KIND_LABEL,
  PANEL_LABEL,
  PANEL_LABEL_VALUE,
  panelMayDeleteOrUnprotect,
  panelSnapshotLabels,
  selectors,
  serverLabelOf,
  snapshotOrigin,
  withServerLabel,
} from './snapshot-labels';

describe('snapshot labels', () => {
  it('every new snapshot names its kind and its server', () => {
    expect(panelSnapshotLabels('auto', 42)).toEqual({
      'managed-by': 'snapshot-panel',
      'snapshot-panel/kind': 'auto',
      'snapshot-panel/server': '42',
    });
  });

  it('adds the server label without dropping or changing another label', () => {
    expect(withServerLabel({ 'managed-by': 'snapshot-panel', team: 'ops' }, 7)).toEqual({
      'managed-by': 'snapshot-panel',
      team: 'ops',
      'snapshot-panel/server': '7',
    });
  });

  it.each<[Record<string, string> | undefined, ReturnType<typeof serverLabelOf>]>([
    [undefined, 'absent'],
    [{}, 'absent'],
    [{ 'snapshot-panel/server': '42' }, 42],
    [{ 'snapshot-panel/server': '042' }, 'unreadable'],
    [{ 'snapshot-panel/server': '' }, 'unreadable'],
    [{ 'snapshot-panel/server': '4 2' }, 'unreadable'],
    [{ 'snapshot-panel/server': '-1' }, 'unreadable'],
  ])('reads the server label of %j as %p', (labels, expected) => {
    expect(serverLabelOf(labels)).toBe(expected);
  });

  it('builds the selectors every listing uses', () => {
    expect(selectors.autoOfServer(42)).toBe(
      'managed-by=snapshot-panel,snapshot-panel/server=42,snapshot-panel/kind=auto',
    );
    expect(selectors.panelOfServer(42)).toBe('managed-by=snapshot-panel,snapshot-panel/server=42');
    expect(selectors.autoOfProject()).toBe('managed-by=snapshot-panel,snapshot-panel/kind=auto');
    expect(selectors.panelWithoutServerLabel()).toBe('managed-by=snapshot-panel,!snapshot-panel/server');
    expect(selectors.madeElsewhere()).toBe('managed-by!=snapshot-panel');
  });
});

describe('needsServerLabel (what the backfill may change)', () => {
  const image = (over: Partial<HcloudImage>): HcloudImage =>
    ({
      id: 1,
      type: 'snapshot',
      labels: { 'managed-by': 'snapshot-panel', 'snapshot-panel/kind': 'auto' },
      created_from: { id: 42, name: 'web-1' },
      ...over,
    }) as HcloudImage;
  it.each<[string, Partial<HcloudImage>, boolean]>([
    ['the panel’s automatic snapshot of this server', {}, true],
    ['a manual one', { labels: { 'managed-by': 'snapshot-panel', 'snapshot-panel/kind': 'manual' } }, true],
    ['one of another server', { created_from: { id: 7, name: 'db-1' } }, false],
    ['one whose server is gone', { created_from: null }, false],
    ['one made elsewhere', { labels: {} }, false],
    ['another tool’s', { labels: { 'managed-by': 'terraform' } }, false],
    ['a backup', { type: 'backup' }, false],
    [
      'one labelled already',
      {
        labels: {
          'managed-by': 'snapshot-panel',
          'snapshot-panel/kind': 'auto',
          'snapshot-panel/server': '7',
        },
      },
      false,
    ],
  ])('%s: %p', (_what, over, expected) => {
    expect(needsServerLabel(image(over), 42)).toBe(expected);
  });
});

describe('snapshotOrigin', () => {
  it.each<[Record<string, string> | undefined, string]>([
    [{ [PANEL_LABEL]: PANEL_LABEL_VALUE, [KIND_LABEL]: 'auto' }, 'auto'],
    [{ [PANEL_LABEL]: PANEL_LABEL_VALUE, [KIND_LABEL]: 'manual' }, 'manual'],
    [{ [PANEL_LABEL]: PANEL_LABEL_VALUE, [KIND_LABEL]: 'kept' }, 'kept'],
    [{ [PANEL_LABEL]: PANEL_LABEL_VALUE, [KIND_LABEL]: 'AUTO' }, 'external'],
    [{ [PANEL_LABEL]: PANEL_LABEL_VALUE }, 'external'],
    [{ [KIND_LABEL]: 'auto' }, 'external'],
    [{ [PANEL_LABEL]: 'other-tool', [KIND_LABEL]: 'auto' }, 'external'],
    [{}, 'external'],
    [undefined, 'external'],
  ])('%j → %s', (labels, origin) => {
    expect(snapshotOrigin(labels as Record<string, string>)).toBe(origin);
  });
});

describe('panelMayDeleteOrUnprotect', () => {
  it.each<[Record<string, string> | undefined, boolean]>([
    [{ [PANEL_LABEL]: PANEL_LABEL_VALUE, [KIND_LABEL]: 'auto' }, true],
    [{ [PANEL_LABEL]: PANEL_LABEL_VALUE, [KIND_LABEL]: 'manual' }, true],
    [{ [PANEL_LABEL]: PANEL_LABEL_VALUE, [KIND_LABEL]: 'kept' }, true],
    [{ [PANEL_LABEL]: PANEL_LABEL_VALUE, [KIND_LABEL]: 'other' }, false],
    [{ [PANEL_LABEL]: 'other-tool' }, false],
    [undefined, false],
  ])('%j → %s', (labels, may) => {
    expect(panelMayDeleteOrUnprotect(labels)).toBe(may);
  });
});
