import { judgeVolumes, presentCoverage } from './coverage.rules';

const noBackups = { enabled: false, window: null, count: 0, sizeGb: 0, monthlyCost: null, currency: 'EUR' };

describe('presentCoverage', () => {
  it.each([
    [[], [], null],
    [
      [{ id: 1, name: 'data', sizeGb: 50 }],
      [],
      'A volume is attached to this server: data (50 GB). It is not in any snapshot',
    ],
    [
      [{ id: 1, name: 'data', sizeGb: 50 }],
      [7],
      '2 volumes are attached to this server: data (50 GB), volume 7 (size unknown). They are not in any snapshot',
    ],
  ])('volumes %j, unread %j', (volumes, unreadVolumeIds, says) => {
    const view = presentCoverage({ volumes, unreadVolumeIds, backups: noBackups });
    if (says === null) expect(view.volumeWarning).toBeNull();
    else expect(view.volumeWarning).toContain(says);
  });

  it("shows Hetzner's Backups as theirs, with count, size and cost", () => {
    const view = presentCoverage({
      volumes: [],
      unreadVolumeIds: [],
      backups: { enabled: true, window: '22-02', count: 1, sizeGb: 3.25, monthlyCost: 0.9, currency: 'EUR' },
    });
    expect(view.backupsText).toBe(
      "Hetzner's own Backups are on for this server (window 22-02 UTC): 1 backup, 3.3 GB, 0.90 EUR a month (a share of the server's price). They are Hetzner's, kept and rotated by Hetzner (at most 7), separate from the panel's snapshots; they do not include volumes either.",
    );
    expect(presentCoverage({ volumes: [], unreadVolumeIds: [], backups: noBackups }).backupsText).toBeNull();
  });
});

describe('judgeVolumes', () => {
  it.each([
    [{ volumes: [], unreadVolumeIds: [] }, 'OK'],
    [{ volumes: [{ id: 1, name: 'data', sizeGb: 50 }], unreadVolumeIds: [] }, 'WARN'],
    [{ error: 'Hetzner did not answer' }, 'WARN'],
  ])('%j → %s', (facts, level) => {
    expect(judgeVolumes(facts).level).toBe(level);
  });
});
