export type FakeTokenMode = 'read_write' | 'read_only';

export const IMAGE_TYPES = ['system', 'app', 'snapshot', 'backup'] as const;
export const IMAGE_STATUSES = ['available', 'creating', 'unavailable'] as const;
export const ACTION_STATUSES = ['running', 'success', 'error'] as const;
export const SERVER_STATUSES = [
  'running',
  'initializing',
  'starting',
  'stopping',
  'off',
  'deleting',
  'migrating',
  'rebuilding',
  'unknown',
] as const;

export type FakeImageType = (typeof IMAGE_TYPES)[number];
export type FakeImageStatus = (typeof IMAGE_STATUSES)[number];
export type FakeActionStatus = (typeof ACTION_STATUSES)[number];
export type FakeServerStatus = (typeof SERVER_STATUSES)[number];

export interface FakeHcloudOptions {
  host?: string;
  port?: number;
  /** How long create_image, rebuild and power actions take in fake-clock time. */
  actionDurationMs?: number;
  seed?: 'demo' | 'none';
  /** Requests per hour per project; the budget refills one request per fake-clock second. */
  rateLimit?: number;
  /**
   * Answer 422 invalid_input to requests whose path or query parameters or JSON body break openapi.json's
   * schemas (default on). Needs the devDependency Ajv and vendor/hcloud, so the demo turns it off; a test
   * that sends a bad request on purpose, to see a client handle the error, may turn it off too.
   */
  validateRequests?: boolean;
}

export interface FakeServerRecord {
  id: number;
  projectId: number;
  name: string;
  status: FakeServerStatus;
  created: Date;
  serverTypeName: string;
  locationName: string;
  priceMonthlyGross: string;
  diskGb: number;
  /** What a snapshot of this server weighs; the fake's stand-in for disk usage. */
  diskUsedGb: number;
  /** null for a server created without a public IPv4 (`public_net.enable_ipv4: false`). */
  ipv4: string | null;
  ipv6Network: string;
  labels: Record<string, string>;
  imageId: number | null;
  protection: { delete: boolean; rebuild: boolean };
  /** The daily backup window (e.g. `22-02`) while automatic backups are on; null when they are off. */
  backupWindow: string | null;
}

export interface FakeVolumeRecord {
  id: number;
  projectId: number;
  name: string;
  sizeGb: number;
  serverId: number | null;
  locationName: string;
  created: Date;
}

export interface FakeImageRecord {
  id: number;
  projectId: number;
  type: FakeImageType;
  status: FakeImageStatus;
  name: string | null;
  description: string;
  imageSize: number | null;
  diskSize: number;
  created: Date;
  createdFrom: { id: number; name: string } | null;
  boundTo: number | null;
  osFlavor: string;
  osVersion: string | null;
  architecture: 'x86' | 'arm';
  rapidDeploy: boolean;
  protection: { delete: boolean };
  deprecated: Date | null;
  labels: Record<string, string>;
}

export interface FakeActionResource {
  id: number;
  type: 'server' | 'image';
}

export interface FakeActionRecord {
  id: number;
  projectId: number;
  command: string;
  status: FakeActionStatus;
  progress: number;
  started: Date;
  finished: Date | null;
  resources: FakeActionResource[];
  error: { code: string; message: string } | null;
}

export interface FakeRequestLogEntry {
  method: string;
  path: string;
  query: Record<string, string | string[]>;
  /** 0 while the request has not been answered (or never will be: an injected hang). */
  status: number;
  body?: unknown;
  at: Date;
  /** Present when an Authorization header came; the raw token is never kept. */
  token?: '[redacted]';
  /** Present when the request broke openapi.json's schemas: the message of the 422 it got. */
  specViolation?: string;
}

export interface FakeServerInput {
  name?: string;
  projectId?: number;
  priceMonthlyGross?: string;
  diskGb?: number;
  locationName?: string;
  status?: string;
  serverType?: string;
  labels?: Record<string, string>;
  backupWindow?: string | null;
  /** null: no public IPv4. */
  ipv4?: string | null;
}

export interface FakeImageInput {
  serverId?: number | null;
  name?: string | null;
  description?: string;
  labels?: Record<string, string>;
  protected?: boolean;
  created?: Date;
  status?: FakeImageStatus;
  type?: FakeImageType;
  imageSize?: number | null;
  diskSize?: number;
  projectId?: number;
  deprecated?: Date | null;
  architecture?: 'x86' | 'arm';
}

export interface FakeFailure {
  method?: string;
  path: string | RegExp;
  /** How many matching requests it applies to; default 1. */
  times?: number;
  status?: number;
  code?: string;
  message?: string;
  /** Never answer; close() ends the request. */
  hang?: boolean;
  /** Answer late, otherwise normally. */
  delayMs?: number;
  /** Send half of the body, then close the connection. The request itself takes effect. */
  truncate?: boolean;
  /** For injected 429s: seconds until RateLimit-Reset. */
  resetAfterSeconds?: number;
}
