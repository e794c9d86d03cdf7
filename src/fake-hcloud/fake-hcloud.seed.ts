import type {
  FakeImageInput,
  FakeImageRecord,
  FakeServerInput,
  FakeServerRecord,
  FakeTokenMode,
} from './fake-hcloud.types';

/** What seeding needs of the fake (FakeHcloud has it): its clock and the ways to fill its project. */
export interface SeedableFake {
  now(): Date;
  addToken(token: string, options?: { mode?: FakeTokenMode }): void;
  addServer(partial?: FakeServerInput): FakeServerRecord;
  addImage(partial?: FakeImageInput): FakeImageRecord;
  setMetadata(metadata: { serverId: number } | null): void;
}

export const DEMO_TOKEN = 'demo-token';
export const DEMO_READONLY_TOKEN = 'demo-readonly-token';
export const DEMO_SERVER_NAME = 'demo-web-1';
export const DEMO_OTHER_SERVER_NAME = 'demo-db-1';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const PANEL_LABELS = { 'managed-by': 'snapshot-panel' };

/**
 * A small, varied project for the demo and manual testing: the panel's own server (which the metadata
 * service describes), a second server, and one snapshot of every kind the panel must tell apart.
 */
export function seedDemo(fake: SeedableFake): void {
  fake.addToken(DEMO_TOKEN, { mode: 'read_write' });
  fake.addToken(DEMO_READONLY_TOKEN, { mode: 'read_only' });
  const now = fake.now().getTime();
  const ago = (ms: number) => new Date(now - ms);

  const systemImage = fake.addImage({
    type: 'system',
    name: 'ubuntu-24.04',
    description: 'Ubuntu 24.04',
    serverId: null,
    diskSize: 5,
    created: ago(400 * DAY_MS),
  });
  const web = fake.addServer({ name: DEMO_SERVER_NAME, locationName: 'fsn1', diskGb: 40 });
  const db = fake.addServer({ name: DEMO_OTHER_SERVER_NAME, locationName: 'fsn1', serverType: 'cx32' });
  web.imageId = systemImage.id;
  db.imageId = systemImage.id;
  fake.setMetadata({ serverId: web.id });

  for (let daysAgo = 4; daysAgo >= 1; daysAgo--) {
    const created = ago(daysAgo * DAY_MS + 3 * HOUR_MS);
    fake.addImage({
      serverId: web.id,
      description: `${DEMO_SERVER_NAME} auto ${created.toISOString().slice(0, 10)}`,
      labels: { ...PANEL_LABELS, 'snapshot-panel/kind': 'auto' },
      created,
    });
  }
  fake.addImage({
    serverId: web.id,
    description: 'before deploying v2.4',
    labels: { ...PANEL_LABELS, 'snapshot-panel/kind': 'manual' },
    created: ago(6 * HOUR_MS),
  });
  fake.addImage({ serverId: web.id, description: '<b>before upgrade</b>', created: ago(9 * DAY_MS) });
  fake.addImage({
    serverId: web.id,
    description: 'golden image',
    protected: true,
    created: ago(30 * DAY_MS),
  });
  fake.addImage({ serverId: db.id, description: 'db before migration', created: ago(2 * DAY_MS) });
  fake.addImage({
    serverId: web.id,
    type: 'backup',
    description: 'Backup',
    created: ago(1 * DAY_MS + 2 * HOUR_MS),
  });
}
