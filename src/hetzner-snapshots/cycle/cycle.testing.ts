// For the cycle's unit tests (immich's `sut` pattern): the cycle's services wired by hand to real stores on an
// in-memory SQLite database (migrated, so the transitions are tested against the real schema), an in-memory
// Hetzner that records every call and can be told to fail, and typed stand-ins for hooks and the events the cycle emits.
import { EventEmitter2 } from '@nestjs/event-emitter';
import { DataSource, type DataSourceOptions } from 'typeorm';
import type { Clock } from '../../clock/clock';
import { buildDataSourceOptions } from '../../database/data-source';
import type { HetznerConnectionService } from '../connection/hetzner-connection.service';
import {
  HcloudActionFailedError,
  HcloudApiError,
  type HcloudAction,
  type HcloudApi,
  type HcloudImage,
} from '../hcloud';
import type { HetznerSnapshotsModuleOptions } from '../hetzner-snapshots.options';
import { AuditEntry } from '../audit/audit-entry.entity';
import { AuditService } from '../audit/audit.service';
import { LeaseService } from '../lease/lease.service';
import { LimitStore } from '../limits/limit.store';
import { ProjectLimit } from '../limits/project-limit.entity';
import { CYCLE_FINISHED_EVENT, type CycleFinishedEvent } from '../notifications/notification.events';
import { PanelSettings } from '../settings/panel-settings.entity';
import { PanelSettingsStore, type ScheduleWrite } from '../settings/panel-settings.store';
import { SnapshotListCache } from '../snapshot-list/snapshot-list-cache.entity';
import { SnapshotListStore } from '../snapshot-list/snapshot-list.store';
import { ServerState } from '../server-state/server-state.entity';
import { ServerStateStore } from '../server-state/server-state.store';
import { CycleHookStep } from './cycle-hooks.step';
import { CycleRun } from './cycle-run.entity';
import { CycleRunStore } from './cycle-run.store';
import { SnapshotCycleService } from './snapshot-cycle.service';
import type { HookOutcome, SnapshotHookRunner } from './snapshot-hook.runner';
import { SnapshotPruner } from './snapshot-pruner.service';
import { SnapshotTaker } from './snapshot-taker.service';

export const SUT_SERVER_ID = 42;

/** A fresh, migrated database that lives in memory only. */
export async function memoryDatabase(): Promise<DataSource> {
  // WAL needs a file; a database in memory has none.
  const db = new DataSource({ ...buildDataSourceOptions(':memory:'), enableWAL: false } as DataSourceOptions);
  await db.initialize();
  await db.runMigrations({ transaction: 'each' });
  return db;
}

type ApiMethod = 'getServer' | 'createImage' | 'listImages' | 'getImage' | 'deleteImage' | 'waitForAction';

/** This server's Hetzner, in memory: images and their create actions, which finish when they are waited on. */
export class InMemoryHcloud {
  readonly images = new Map<number, HcloudImage>();
  readonly calls: { method: ApiMethod; arg: unknown }[] = [];
  private readonly failures = new Map<ApiMethod, unknown[]>();
  private nextId = 1000;
  /** What the create action ends as, and the status the image then has. */
  createdEndsAs: { action: 'success' | 'error'; image: HcloudImage['status'] } = {
    action: 'success',
    image: 'available',
  };
  onRequest: () => void = () => undefined;

  constructor(private readonly clock: Clock) {}

  /** The next calls of `method` throw these, in order. */
  failNext(method: ApiMethod, ...errors: unknown[]): void {
    this.failures.set(method, [...(this.failures.get(method) ?? []), ...errors]);
  }

  addSnapshot(init: Partial<HcloudImage> & { created: string }): HcloudImage {
    const image: HcloudImage = {
      id: this.nextId++,
      type: 'snapshot',
      status: 'available',
      name: null,
      description: `snapshot ${init.created}`,
      image_size: 1,
      disk_size: 20,
      created_from: { id: SUT_SERVER_ID, name: 'web-1' },
      bound_to: null,
      os_flavor: 'debian',
      os_version: '12',
      protection: { delete: false },
      deprecated: null,
      deleted: null,
      labels: {},
      architecture: 'x86',
      ...init,
    };
    this.images.set(image.id, image);
    return image;
  }

  callsOf(method: ApiMethod): unknown[] {
    return this.calls.filter((call) => call.method === method).map((call) => call.arg);
  }

  readonly api: Pick<HcloudApi, ApiMethod> = {
    getServer: async (id) => {
      this.enter('getServer', id);
      return { id, name: 'web-1' } as Awaited<ReturnType<HcloudApi['getServer']>>;
    },
    createImage: async (serverId, req) => {
      this.enter('createImage', { serverId, ...req });
      const image = this.addSnapshot({
        created: this.clock.now().toISOString(),
        description: req.description ?? '',
        labels: req.labels ?? {},
        status: 'creating',
        created_from: { id: serverId, name: 'web-1' },
      });
      return { image, action: this.action(image.id, 'running') };
    },
    listImages: async (filter) => {
      this.enter('listImages', filter);
      const wanted = (filter?.label_selector ?? '').split(',').filter((part) => part.includes('='));
      return [...this.images.values()].filter((image) =>
        wanted.every((part) => {
          const [key, value] = part.split(/!?=/);
          const matches = image.labels[key] === value;
          return part.includes('!=') ? !matches : matches;
        }),
      );
    },
    getImage: async (id) => {
      this.enter('getImage', id);
      const image = this.images.get(id);
      if (!image) throw notFound(`/images/${id}`);
      return image;
    },
    deleteImage: async (id) => {
      this.enter('deleteImage', id);
      if (!this.images.delete(id)) throw notFound(`/images/${id}`);
    },
    waitForAction: async (action) => {
      const id = typeof action === 'number' ? action : action.id;
      this.enter('waitForAction', id);
      const image = this.images.get(id - 1_000_000);
      if (image) image.status = this.createdEndsAs.image;
      const done = this.action(id - 1_000_000, this.createdEndsAs.action);
      if (done.status === 'error') throw new HcloudActionFailedError(done);
      return done;
    },
  };

  private enter(method: ApiMethod, arg: unknown): void {
    this.onRequest();
    this.calls.push({ method, arg });
    const queued = this.failures.get(method);
    if (queued && queued.length > 0) throw queued.shift();
  }

  private action(imageId: number, status: HcloudAction['status']): HcloudAction {
    const at = this.clock.now().toISOString();
    return {
      id: imageId + 1_000_000,
      command: 'create_image',
      status,
      progress: status === 'running' ? 0 : 100,
      started: at,
      finished: status === 'running' ? null : at,
      resources: [{ id: SUT_SERVER_ID, type: 'server' }],
      error: status === 'error' ? { code: 'action_failed', message: 'the disk went away' } : null,
    };
  }
}

export function notFound(path: string): HcloudApiError {
  return new HcloudApiError({ status: 404, code: 'not_found', message: 'not found', path });
}

export function hcloudError(status: number, code: string): HcloudApiError {
  return new HcloudApiError({ status, code, message: code });
}

/** A clock that stands still unless slept on, when it moves forward at once. */
export function steppingClock(start = '2026-11-22T03:00:00Z'): Clock & { sleeps: number[] } {
  let now = Date.parse(start);
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => new Date(now),
    async sleep(ms, signal) {
      if (signal?.aborted) throw signal.reason;
      sleeps.push(ms);
      now += ms;
    },
  };
}

export interface CycleSut {
  sut: SnapshotCycleService;
  hetzner: InMemoryHcloud;
  store: CycleRunStore;
  runs: () => Promise<CycleRun[]>;
  leases: LeaseService;
  clock: Clock & { sleeps: number[] };
  /** The hook commands run, in order, with the environment each got. */
  hookRuns: { command: string; env: Record<string, string> }[];
  /** The outcome the next hook commands get (by command), ok otherwise. */
  hookResults: Map<string, Partial<HookOutcome>>;
  /** Every CYCLE_FINISHED_EVENT the cycle emitted, in order. */
  finished: CycleFinishedEvent[];
  /** Changes the stored schedule and retention columns (through the settings store, as a save would). */
  settings: (patch: Partial<ScheduleWrite>) => Promise<void>;
  db: DataSource;
}

export async function buildCycleSut(
  opts: { hooks?: { pre?: string; post?: string }; connectionFailure?: Error } = {},
): Promise<CycleSut> {
  const db = await memoryDatabase();
  const clock = steppingClock();
  const hetzner = new InMemoryHcloud(clock);
  const options = {
    timeZone: 'UTC',
    snapshotHooks: { pre: opts.hooks?.pre ?? null, post: opts.hooks?.post ?? null, timeoutMs: 60_000 },
  } as HetznerSnapshotsModuleOptions;
  const connection = {
    serverId: async () => SUT_SERVER_ID,
    client: async (clientOpts?: { onRequest?: () => void }) => {
      if (opts.connectionFailure) throw opts.connectionFailure;
      hetzner.onRequest = clientOpts?.onRequest ?? (() => undefined);
      return hetzner.api as HcloudApi;
    },
  } as unknown as HetznerConnectionService;
  const hookRuns: CycleSut['hookRuns'] = [];
  const hookResults = new Map<string, Partial<HookOutcome>>();
  const hookRunner = {
    run: async (command: string, runOpts: { env: Record<string, string> }) => {
      hookRuns.push({ command, env: runOpts.env });
      return {
        ok: true,
        exitCode: 0,
        signal: null,
        timedOut: false,
        output: '',
        durationMs: 5,
        ...hookResults.get(command),
      };
    },
  } as unknown as SnapshotHookRunner;
  const finished: CycleSut['finished'] = [];
  const events = new EventEmitter2();
  events.on(CYCLE_FINISHED_EVENT, (event: CycleFinishedEvent) => void finished.push(event));

  const settingsStore = new PanelSettingsStore(
    db.getRepository(PanelSettings),
    new AuditService(db.getRepository(AuditEntry), clock),
  );
  const store = new CycleRunStore(
    db.getRepository(CycleRun),
    settingsStore,
    new SnapshotListStore(db.getRepository(SnapshotListCache)),
  );
  const serverState = new ServerStateStore(db.getRepository(ServerState));
  const leases = new LeaseService(db, clock);
  const sut = new SnapshotCycleService(
    connection,
    store,
    leases,
    new CycleHookStep(options, hookRunner, store),
    new SnapshotTaker(store, serverState, clock),
    new SnapshotPruner(options, store, serverState, clock),
    events,
    serverState,
    clock,
    new LimitStore(db.getRepository(ProjectLimit)),
  );
  return {
    sut,
    hetzner,
    store,
    runs: () => db.getRepository(CycleRun).find({ order: { id: 'ASC' } }),
    leases,
    clock,
    hookRuns,
    hookResults,
    finished,
    settings: async (patch) =>
      void (await settingsStore.saveSchedule(clock.now(), (before) => ({
        write: {
          scheduleEnabled: before.scheduleEnabled,
          frequency: before.frequency,
          retentionDays: before.retentionDays,
          keepMin: before.keepMin,
          retentionTiers: before.storedTiers,
          ...patch,
        },
        audit: { actor: 'system', action: 'schedule.updated', changes: [] },
      }))),
    db,
  };
}
