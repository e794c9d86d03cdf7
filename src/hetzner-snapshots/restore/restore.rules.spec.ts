import type { HcloudImage, HcloudServer } from '../hcloud';
import {
  confirmsServerName,
  restoreBlocker,
  safetySnapshotLabels,
  safetySnapshotDescription,
} from './restore.rules';

const server = { id: 42, name: 'web-1', protection: { delete: false, rebuild: false } } as HcloudServer;
const snapshot = {
  id: 77,
  type: 'snapshot',
  status: 'available',
  created_from: { id: 42, name: 'web-1' },
} as HcloudImage;

describe('restoreBlocker', () => {
  test.each<[string, HcloudImage, HcloudServer, string | null]>([
    ['an available snapshot of this server', snapshot, server, null],
    ['a backup', { ...snapshot, type: 'backup' }, server, 'not_snapshot'],
    ['a system image', { ...snapshot, type: 'system', created_from: null }, server, 'not_snapshot'],
    [
      "another server's snapshot",
      { ...snapshot, created_from: { id: 43, name: 'db-1' } },
      server,
      'other_server',
    ],
    ['a snapshot whose server is gone', { ...snapshot, created_from: null }, server, 'other_server'],
    ['a snapshot still being created', { ...snapshot, status: 'creating' }, server, 'not_available'],
    [
      'a server protected against rebuild',
      snapshot,
      { ...server, protection: { delete: false, rebuild: true } },
      'rebuild_protected',
    ],
  ])('%s', (_case, image, srv, code) => {
    expect(restoreBlocker(image, srv)?.code ?? null).toBe(code);
  });
});

describe('confirmsServerName', () => {
  test.each([
    ['web-1', true],
    ['  web-1 ', true],
    ['WEB-1', false],
    ['web-', false],
    ['', false],
  ])('%j → %s', (typed, expected) => {
    expect(confirmsServerName(typed, server)).toBe(expected);
  });
});

test('the safety snapshot is a manual snapshot of the panel, described with the target and the time', () => {
  expect(safetySnapshotLabels(42)).toEqual({
    'managed-by': 'snapshot-panel',
    'snapshot-panel/kind': 'manual',
    'snapshot-panel/server': '42',
  });
  expect(safetySnapshotDescription({ id: 77 }, new Date('2026-05-11T10:04:59Z'))).toBe(
    'safety snapshot before restore from snapshot 77, 2026-05-11 10:04 UTC',
  );
});
