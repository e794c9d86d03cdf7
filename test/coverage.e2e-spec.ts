// What a snapshot does not cover: volumes (named with their size on the snapshots page, the settings page and
// in doctor as a WARN, with the guide) and Hetzner's own Backups; and doctor failing on a left-over drill server.
import { DoctorService } from '../src/hetzner-snapshots/doctor/doctor.service';
import { drillServerLabels } from '../src/hetzner-snapshots/verify/drill.rules';
import { requestsTo, SnapshotsWorld, startSnapshotsWorld, visibleText } from './support/snapshots-fixture';

describe('not covered by a snapshot (e2e)', () => {
  let w: SnapshotsWorld;
  afterEach(async () => w?.close());

  it('a volume warning: each volume named with its size, on the snapshots page, settings and doctor', async () => {
    w = await startSnapshotsWorld({ role: 'cli' });
    w.fake.addVolume({ serverId: w.server.id, name: 'data', sizeGb: 50 });
    w.fake.addVolume({ serverId: w.server.id, name: 'uploads', sizeGb: 10 });
    w.fake.addImage({ serverId: w.server.id, description: 'nightly' });

    const page = visibleText((await w.agent.get('/snapshots')).text);
    expect(page).toContain(
      'Not in any snapshot: 2 volumes are attached to this server: data (50 GB), uploads (10 GB). They are not in any snapshot',
    );
    expect(page).toContain("How to back up a volume's files (hooks and restic)");
    expect(requestsTo(w.fake, 'GET', /^\/v1\/volumes\/\d+$/)).toBe(2);

    const settings = visibleText((await w.agent.get('/settings')).text);
    expect(settings).toContain('data (50 GB), uploads (10 GB)');

    const guide = await w.agent.get('/guide/volumes');
    expect(guide.status).toBe(200);
    expect(visibleText(guide.text)).toContain('restic backup /mnt/volume-data');

    const checks = await w.panel.get<DoctorService>(DoctorService).run();
    const volumes = checks.find((c) => c.name === 'volumes')!;
    expect(volumes.level).toBe('WARN');
    expect(volumes.message).toContain('data (50 GB), uploads (10 GB)');
    expect(volumes.hint).toContain('docs/VOLUMES.md');
  });

  it("Hetzner's own Backups are shown as theirs, with count and cost", async () => {
    w = await startSnapshotsWorld({ role: 'cli' });
    const server = w.fake.servers().find((s) => s.id === w.server.id)!;
    expect(server).toBeTruthy();
    w.server.backupWindow = '22-02';
    w.fake.addImage({ serverId: w.server.id, type: 'backup', imageSize: 3 });
    w.fake.addImage({ serverId: w.server.id, type: 'backup', imageSize: 3.5 });
    const page = visibleText((await w.agent.get('/snapshots')).text);
    expect(page).toContain(
      "Hetzner's own Backups are on for this server (window 22-02 UTC): 2 backups, 6.5 GB, 2.00 EUR a month",
    );
  });

  it('no volume, no backups: no warning and no extra request', async () => {
    w = await startSnapshotsWorld({ role: 'cli' });
    const page = visibleText((await w.agent.get('/snapshots')).text);
    expect(page).not.toContain('Not in any snapshot');
    expect(requestsTo(w.fake, 'GET', /^\/v1\/volumes/)).toBe(0);
  });

  it('doctor fails when a drill server of this panel is left over, and names it', async () => {
    w = await startSnapshotsWorld({ role: 'cli' });
    const left = w.fake.addServer({
      name: 'snapshot-panel-drill-1-1',
      labels: drillServerLabels({ panelServerId: w.server.id, imageId: 1 }),
    });
    w.fake.addServer({
      name: 'someone-elses-drill',
      labels: drillServerLabels({ panelServerId: 1, imageId: 1 }),
    });
    const checks = await w.panel.get<DoctorService>(DoctorService).run();
    const drill = checks.find((c) => c.name === 'drill-servers')!;
    expect(drill.level).toBe('FAIL');
    expect(drill.message).toBe(
      `1 restore drill server(s) left over: snapshot-panel-drill-1-1 (id ${left.id}; it is labelled as a drill of server ${w.server.id}). They cost money by the hour.`,
    );
    // doctor only looks: nothing was deleted.
    expect(w.fake.requests.filter((r) => r.method === 'DELETE')).toEqual([]);
  });
});
