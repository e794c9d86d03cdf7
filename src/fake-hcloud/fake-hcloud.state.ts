import { findLocation, findServerType } from './fake-hcloud.catalog';
import { FakeClock } from './fake-hcloud.clock';
import {
  FakeActionRecord,
  FakeActionResource,
  FakeImageInput,
  FakeImageRecord,
  FakeServerInput,
  FakeServerRecord,
  FakeServerStatus,
  FakeTokenMode,
  FakeVolumeRecord,
  SERVER_STATUSES,
} from './fake-hcloud.types';

export const DEFAULT_PROJECT_ID = 1;

export interface FakeProject {
  id: number;
  /** Most snapshots the project may hold; null = no limit. */
  snapshotLimit: number | null;
  /** Most servers the project may hold; null = no limit. */
  serverLimit: number | null;
}

/** How servers made by POST /servers behave, for drill tests. */
export interface NewServerBehaviour {
  /** The public IPv4 a new server gets when it asks for one (tests use 127.0.0.1 to reach a local port). */
  ipv4: string | null;
  /** 'stuck': the create action succeeds but the server stays `starting` forever. */
  boot: 'normal' | 'stuck';
}

export interface FakeToken {
  mode: FakeTokenMode;
  projectId: number;
}

export interface ActionPlan {
  projectId: number;
  command: string;
  resources: FakeActionResource[];
  durationMs: number;
  onSuccess?: () => void;
  onError?: () => void;
}

interface RunningAction {
  record: FakeActionRecord;
  plan: ActionPlan;
  finishesAtMs: number;
  failure: { code: string; message: string } | null;
}

const DEFAULT_ACTION_FAILURE = { code: 'action_failed', message: 'Action failed' };

// Distinct id ranges per resource make a server id passed where an image id belongs fail loudly.
const FIRST_SERVER_ID = 4201;
const FIRST_IMAGE_ID = 100001;
const FIRST_ACTION_ID = 700001;
const FIRST_VOLUME_ID = 900001;

/** Everything the fake API knows, in memory. Actions settle lazily against the fake clock. */
export class FakeHcloudState {
  readonly projects = new Map<number, FakeProject>();
  readonly tokens = new Map<string, FakeToken>();
  readonly servers = new Map<number, FakeServerRecord>();
  readonly images = new Map<number, FakeImageRecord>();
  readonly actions = new Map<number, FakeActionRecord>();
  readonly volumes = new Map<number, FakeVolumeRecord>();
  metadataServerId: number | null = null;
  newServers: NewServerBehaviour = { ipv4: null, boot: 'normal' };
  /** What POST /servers/{id}/actions/rebuild answers as root_password (null: as for most snapshots). */
  rebuildRootPassword: string | null = null;

  private readonly running = new Map<number, RunningAction>();
  private pendingActionFailures: { code: string; message: string }[] = [];
  private nextProjectId = DEFAULT_PROJECT_ID;
  private nextServerId = FIRST_SERVER_ID;
  private nextImageId = FIRST_IMAGE_ID;
  private nextActionId = FIRST_ACTION_ID;
  private nextVolumeId = FIRST_VOLUME_ID;

  constructor(private readonly clock: FakeClock) {
    this.reset();
  }

  reset(): void {
    this.projects.clear();
    this.tokens.clear();
    this.servers.clear();
    this.images.clear();
    this.actions.clear();
    this.volumes.clear();
    this.newServers = { ipv4: null, boot: 'normal' };
    this.rebuildRootPassword = null;
    this.nextVolumeId = FIRST_VOLUME_ID;
    this.running.clear();
    this.pendingActionFailures = [];
    this.metadataServerId = null;
    this.nextProjectId = DEFAULT_PROJECT_ID;
    this.nextServerId = FIRST_SERVER_ID;
    this.nextImageId = FIRST_IMAGE_ID;
    this.nextActionId = FIRST_ACTION_ID;
    this.addProject();
  }

  addProject(): number {
    const id = this.nextProjectId++;
    this.projects.set(id, { id, snapshotLimit: null, serverLimit: null });
    return id;
  }

  project(id: number): FakeProject {
    const project = this.projects.get(id);
    if (!project) throw new Error(`fake-hcloud: project ${id} does not exist`);
    return project;
  }

  addToken(token: string, mode: FakeTokenMode, projectId: number): void {
    this.project(projectId);
    this.tokens.set(token, { mode, projectId });
  }

  addServer(input: FakeServerInput = {}): FakeServerRecord {
    const projectId = input.projectId ?? DEFAULT_PROJECT_ID;
    this.project(projectId);
    const type = findServerType(input.serverType ?? 'cx22');
    if (!type) throw new Error(`fake-hcloud: unknown server type '${input.serverType}'`);
    const locationName = input.locationName ?? 'fsn1';
    if (!findLocation(locationName)) throw new Error(`fake-hcloud: unknown location '${locationName}'`);
    const status = input.status ?? 'running';
    if (!SERVER_STATUSES.includes(status as FakeServerStatus)) {
      throw new Error(`fake-hcloud: unknown server status '${status}'`);
    }

    const id = this.nextServerId++;
    const diskGb = input.diskGb ?? type.diskGb;
    const server: FakeServerRecord = {
      id,
      projectId,
      name: input.name ?? `server-${id}`,
      status: status as FakeServerStatus,
      created: this.clock.now(),
      serverTypeName: type.name,
      locationName,
      priceMonthlyGross: input.priceMonthlyGross ?? type.priceMonthlyGross,
      diskGb,
      diskUsedGb: Math.round(diskGb * 31) / 100,
      ipv4: input.ipv4 !== undefined ? input.ipv4 : `203.0.113.${(id % 254) + 1}`,
      ipv6Network: `2001:db8:${id.toString(16)}::/64`,
      labels: { ...input.labels },
      imageId: null,
      protection: { delete: false, rebuild: false },
      backupWindow: input.backupWindow ?? null,
    };
    this.servers.set(id, server);
    return server;
  }

  addVolume(input: { serverId: number; name?: string; sizeGb?: number }): FakeVolumeRecord {
    const server = this.servers.get(input.serverId);
    if (!server) throw new Error(`fake-hcloud: server ${input.serverId} does not exist`);
    const id = this.nextVolumeId++;
    const volume: FakeVolumeRecord = {
      id,
      projectId: server.projectId,
      name: input.name ?? `volume-${id}`,
      sizeGb: input.sizeGb ?? 10,
      serverId: server.id,
      locationName: server.locationName,
      created: this.clock.now(),
    };
    this.volumes.set(id, volume);
    return volume;
  }

  /** The volumes attached to a server (FakeVolumeRecord.serverId is the one record of it), in id order. */
  volumeIdsOf(serverId: number): number[] {
    return [...this.volumes.values()]
      .filter((volume) => volume.serverId === serverId)
      .map((volume) => volume.id);
  }

  serverCount(projectId: number): number {
    let count = 0;
    for (const server of this.servers.values()) if (server.projectId === projectId) count++;
    return count;
  }

  addImage(input: FakeImageInput = {}): FakeImageRecord {
    const projectId = input.projectId ?? DEFAULT_PROJECT_ID;
    this.project(projectId);
    const id = this.nextImageId++;
    const type = input.type ?? 'snapshot';
    const isPublic = type === 'system' || type === 'app';
    const server = this.sourceServer(input.serverId, projectId, isPublic);
    const status = input.status ?? 'available';
    const diskSize = input.diskSize ?? server?.diskGb ?? (isPublic ? 5 : 40);
    const defaultSize =
      isPublic || status === 'creating' ? null : snapshotSize(server?.diskUsedGb, diskSize, id);

    const image: FakeImageRecord = {
      id,
      projectId,
      type,
      status,
      name: input.name !== undefined ? input.name : isPublic ? 'ubuntu-24.04' : null,
      description: input.description ?? (isPublic ? 'Ubuntu 24.04' : `snapshot-${id}`),
      imageSize: input.imageSize !== undefined ? input.imageSize : defaultSize,
      diskSize,
      created: input.created ?? this.clock.now(),
      createdFrom: server ? { id: server.id, name: server.name } : null,
      boundTo: type === 'backup' && server ? server.id : null,
      osFlavor: 'ubuntu',
      osVersion: '24.04',
      architecture: input.architecture ?? 'x86',
      rapidDeploy: false,
      protection: { delete: input.protected ?? false },
      deprecated: input.deprecated ?? null,
      labels: { ...input.labels },
    };
    this.images.set(id, image);
    return image;
  }

  /** Images a project can see: its own, plus the public system and app images. */
  isImageVisible(image: FakeImageRecord, projectId: number): boolean {
    return image.projectId === projectId || isPublicImage(image);
  }

  snapshotCount(projectId: number): number {
    let count = 0;
    for (const image of this.images.values()) {
      if (image.projectId === projectId && image.type === 'snapshot') count++;
    }
    return count;
  }

  failActionsNext(times: number, error = DEFAULT_ACTION_FAILURE): void {
    for (let i = 0; i < times; i++) this.pendingActionFailures.push({ ...error });
  }

  startAction(plan: ActionPlan): FakeActionRecord {
    const record: FakeActionRecord = {
      id: this.nextActionId++,
      projectId: plan.projectId,
      command: plan.command,
      status: 'running',
      progress: 0,
      started: this.clock.now(),
      finished: null,
      resources: plan.resources.map((resource) => ({ ...resource })),
      error: null,
    };
    this.actions.set(record.id, record);
    this.running.set(record.id, {
      record,
      plan,
      finishesAtMs: record.started.getTime() + plan.durationMs,
      failure: this.pendingActionFailures.shift() ?? null,
    });
    return record;
  }

  /** Brings running actions up to the fake clock: progress, then success or error with their effects. */
  settleActions(): void {
    if (this.running.size === 0) return;
    const nowMs = this.clock.nowMs();
    for (const [id, action] of this.running) {
      if (nowMs < action.finishesAtMs) {
        const elapsed = nowMs - action.record.started.getTime();
        action.record.progress = Math.min(99, Math.floor((elapsed / action.plan.durationMs) * 100));
        continue;
      }
      this.running.delete(id);
      this.finish(action);
    }
  }

  runningActionOn(type: FakeActionResource['type'], id: number): FakeActionRecord | undefined {
    for (const action of this.running.values()) {
      if (action.record.resources.some((resource) => resource.type === type && resource.id === id)) {
        return action.record;
      }
    }
    return undefined;
  }

  private finish(action: RunningAction): void {
    const { record, plan, failure } = action;
    record.progress = 100;
    record.finished = new Date(action.finishesAtMs);
    if (failure) {
      record.status = 'error';
      record.error = failure;
      plan.onError?.();
    } else {
      record.status = 'success';
      plan.onSuccess?.();
    }
  }

  private sourceServer(
    serverId: number | null | undefined,
    projectId: number,
    isPublic: boolean,
  ): Pick<FakeServerRecord, 'id' | 'name' | 'diskGb' | 'diskUsedGb'> | null {
    if (serverId === null || (serverId === undefined && isPublic)) return null;
    if (serverId === undefined) return this.firstServerOf(projectId) ?? null;
    // Snapshots outlive their server, so an unknown id stands for a server deleted since.
    return (
      this.servers.get(serverId) ?? {
        id: serverId,
        name: `deleted-server-${serverId}`,
        diskGb: 40,
        diskUsedGb: 12.4,
      }
    );
  }

  private firstServerOf(projectId: number): FakeServerRecord | undefined {
    for (const server of this.servers.values()) {
      if (server.projectId === projectId) return server;
    }
    return undefined;
  }
}

export function isPublicImage(image: FakeImageRecord): boolean {
  return image.type === 'system' || image.type === 'app';
}

/** A plausible, slightly varying snapshot size in GB: snapshots hold the used part of the disk. */
export function snapshotSize(diskUsedGb: number | undefined, diskSize: number, imageId: number): number {
  const base = diskUsedGb ?? diskSize * 0.31;
  return Math.round((base + (imageId % 17) * 0.07) * 100) / 100;
}
