import type { HcloudImage, HcloudServer } from '../hcloud';
import {
  confirmsServerName,
  restoreBlocker,
  restoreChecks,
  SafetySnapshotFacts,
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

describe('restoreChecks: each refused check, in words', () => {
  const full = {
    ...server,
    locked: false,
    server_type: { name: 'cx22', disk: 40, architecture: 'x86' },
  } as HcloudServer;
  const image = { ...snapshot, architecture: 'x86', disk_size: 40 } as HcloudImage;
  const roomy: SafetySnapshotFacts = { rateLimitRemaining: 3000, limitRefusal: null };
  test.each<[string, HcloudImage, HcloudServer, SafetySnapshotFacts | null, string | null, RegExp | null]>([
    ['all pass', image, full, roomy, null, null],
    [
      'not available',
      { ...image, status: 'creating' },
      full,
      roomy,
      'not_available',
      /creating, not available yet/,
    ],
    [
      'arm snapshot on x86',
      { ...image, architecture: 'arm' },
      full,
      roomy,
      'architecture',
      /for arm, but web-1 is a cx22 \(x86\)/,
    ],
    [
      'disk too big',
      { ...image, disk_size: 80 },
      full,
      roomy,
      'disk_too_big',
      /needs a disk of 80 GB, but a cx22 has 40 GB/,
    ],
    ['locked', image, { ...full, locked: true }, roomy, 'locked', /is locked: another action/],
    [
      'rebuild protection, and how to lift it',
      image,
      { ...full, protection: { delete: true, rebuild: true } },
      roomy,
      'rebuild_protected',
      /hcloud server disable-protection NAME delete rebuild/,
    ],
    [
      'budget short',
      image,
      full,
      { rateLimitRemaining: 5, limitRefusal: null },
      'safety_snapshot',
      /Only 5 API requests are left/,
    ],
    [
      'limit',
      image,
      full,
      { rateLimitRemaining: 3000, limitRefusal: 'the next snapshot will likely be refused.' },
      'safety_snapshot',
      /would likely be refused/,
    ],
    ['no safety snapshot asked for: budget does not matter', image, full, null, null, null],
  ])('%s', (_case, img, srv, safety, code, says) => {
    const checks = restoreChecks(img, srv, safety);
    const failed = checks.filter((c) => !c.ok);
    expect(failed.map((c) => c.code)).toEqual(code ? [code] : []);
    if (says) expect(failed[0].message).toMatch(says);
  });
});
