import { ExecutionContext, ModuleMetadata } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { ScheduleModule } from '@nestjs/schedule';
import { Test } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import { hetznerSnapshotsMigrations } from '../../migrations/hetzner-snapshots';
import { CLOCK, systemClock } from '../clock/clock';
import { hetznerSnapshotsEntities } from './hetzner-snapshots.entities';
import { HetznerSnapshotsHostPort } from './hetzner-snapshots.host-port';
import { HetznerSnapshotsModule } from './hetzner-snapshots.module';
import { HetznerSnapshotsPeerMissingError } from './hetzner-snapshots.peers';

class NobodyPort implements HetznerSnapshotsHostPort {
  canAccess(_context: ExecutionContext) {
    return false;
  }
  actingAdmin() {
    return null;
  }
  flash() {}
  csrfToken() {
    return '';
  }
  verifyCsrf() {
    return false;
  }
}

const database = TypeOrmModule.forRoot({
  type: 'better-sqlite3',
  database: ':memory:',
  entities: hetznerSnapshotsEntities,
  migrations: hetznerSnapshotsMigrations,
  migrationsRun: true,
});

const plugin = HetznerSnapshotsModule.forRoot({
  routePrefix: 'hetzner',
  hostPort: NobodyPort,
  layout: 'layouts/main',
  tokenEncryptionKey: Buffer.alloc(32, 1),
  notificationSecretKey: Buffer.alloc(32, 2),
  runScheduler: false,
  hcloud: {
    endpoint: 'http://127.0.0.1:9/v1',
    metadataEndpoint: 'http://127.0.0.1:9/metadata',
    serverId: 1,
    envToken: null,
    userAgent: 'test',
  },
  timeZone: 'UTC',
  scheduleSpreadMinutes: 0,
  snapshotHooks: { pre: null, post: null, timeoutMs: 1000 },
});

async function compile(imports: ModuleMetadata['imports']) {
  return Test.createTestingModule({ imports }).compile();
}

describe('the plugin’s peers', () => {
  it('names ScheduleModule when the host did not import it', async () => {
    const built = compile([database, EventEmitterModule.forRoot(), plugin]);
    await expect(built).rejects.toBeInstanceOf(HetznerSnapshotsPeerMissingError);
    await expect(built).rejects.toMatchObject({
      peer: 'ScheduleModule',
      message: expect.stringContaining('ScheduleModule.forRoot()'),
    });
  });

  it('names EventEmitterModule when the host did not import it', async () => {
    await expect(compile([database, ScheduleModule.forRoot(), plugin])).rejects.toMatchObject({
      peer: 'EventEmitterModule',
      message: expect.stringContaining('EventEmitterModule.forRoot()'),
    });
  });

  it('runs on the system clock when the host provides no CLOCK, and makes nothing global', async () => {
    const app = await compile([database, ScheduleModule.forRoot(), EventEmitterModule.forRoot(), plugin]);
    expect(app.get(CLOCK, { strict: false })).toBe(systemClock);
    // Nothing of the plugin is global: the host sees only what HetznerSnapshotsModule exports.
    const globals = [...app.get(ModulesContainer).values()].filter((m) => m.isGlobal).map((m) => m.name);
    expect(globals.filter((name) => /HetznerSnapshots|Settings|Snapshots|Scheduler/.test(name))).toEqual([]);
    await app.close();
  });

  it('refuses a module definition without the host port', () => {
    expect(() =>
      HetznerSnapshotsModule.forRoot({ routePrefix: '', hostPort: undefined as never } as never),
    ).toThrow(/hostPort/);
  });
});
