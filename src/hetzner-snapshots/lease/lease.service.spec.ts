import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DataSource } from 'typeorm';
import { Clock } from '../../clock/clock';
import { openDatabase } from '../../database/data-source';
import { isDeadLocalOwner, LeaseService } from './lease.service';

describe('LeaseService', () => {
  let dir: string;
  let db: DataSource;
  let nowMs: number;
  const clock: Clock = { now: () => new Date(nowMs), sleep: async () => undefined };
  let leases: LeaseService;

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lease-spec-'));
    db = await openDatabase({ dataDir: dir, databasePath: path.join(dir, 'db.sqlite') });
    nowMs = Date.parse('2026-11-22T12:00:00Z');
    leases = new LeaseService(db, clock);
  });
  afterEach(async () => {
    await db.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('gives a free lease to one holder and refuses everyone else until it is released', async () => {
    const first = await leases.tryAcquire('cycle', 60_000);
    expect(first).not.toBeNull();
    expect(await leases.tryAcquire('cycle', 60_000)).toBeNull();
    expect((await leases.holder('cycle'))?.owner).toBe(first!.owner);
    // Another name is another lock.
    expect(await leases.tryAcquire('other', 60_000)).not.toBeNull();
    await leases.release(first!);
    expect(await leases.holder('cycle')).toBeNull();
    expect(await leases.tryAcquire('cycle', 60_000)).not.toBeNull();
  });

  it('lets another holder take an expired lease, and the old holder then cannot renew or release it', async () => {
    const crashed = (await leases.tryAcquire('cycle', 60_000))!;
    nowMs += 59_000;
    expect(await leases.tryAcquire('cycle', 60_000)).toBeNull();
    nowMs += 1_000;
    const next = (await leases.tryAcquire('cycle', 60_000))!;
    expect(next).not.toBeNull();
    expect(next.owner).not.toBe(crashed.owner);
    expect(await leases.renew(crashed)).toBe(false);
    await leases.release(crashed);
    expect((await leases.holder('cycle'))?.owner).toBe(next.owner);
  });

  it('renewing pushes the expiry out by the TTL', async () => {
    const lease = (await leases.tryAcquire('cycle', 60_000))!;
    nowMs += 50_000;
    expect(await leases.renew(lease)).toBe(true);
    nowMs += 50_000;
    expect(await leases.tryAcquire('cycle', 60_000)).toBeNull();
    expect((await leases.holder('cycle'))?.expiresAt.toISOString()).toBe('2026-11-22T12:01:50.000Z');
  });

  it('of many racing for it, exactly one wins', async () => {
    const other = new LeaseService(db, clock);
    const results = await Promise.all(
      [...Array(8)].map((_, i) => (i % 2 ? other : leases).tryAcquire('cycle', 60_000)),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('takes over a lease whose holder on this machine no longer runs, but never one of a live process', async () => {
    const { spawnSync } = await import('node:child_process');
    const deadPid = spawnSync(process.execPath, ['-e', '0']).pid as number;
    await db.query(
      `INSERT INTO "leases" ("name", "owner", "acquired_at", "expires_at") VALUES ('cycle', ?, ?, ?)`,
      [`${os.hostname()}:${deadPid}:dead`, '2026-11-22 12:00:00.000', '2026-11-22 12:10:00.000'],
    );
    expect(isDeadLocalOwner(`${os.hostname()}:${deadPid}:dead`)).toBe(true);
    const taken = await leases.tryAcquire('cycle', 60_000);
    expect(taken).not.toBeNull();
    expect((await leases.holder('cycle'))?.owner).toBe(taken!.owner);

    // This process is alive, and another host's pid cannot be judged from here: both keep their lease.
    expect(isDeadLocalOwner(taken!.owner)).toBe(false);
    expect(isDeadLocalOwner(`another-host:${deadPid}:x`)).toBe(false);
    expect(await leases.tryAcquire('cycle', 60_000)).toBeNull();
  });
});
