// How a Hetzner client is made (its options and defaults) and what the rest of the panel codes against
// (HcloudApi), so a test can hand in a typed fake instead of the HTTP client.
import type { WaitForActionOptions } from './action-waiter';
import type {
  HcloudAction,
  HcloudImage,
  HcloudLabels,
  HcloudPricing,
  HcloudRateLimit,
  HcloudRequestEvent,
  HcloudServer,
  HcloudServerTypeListing,
  HcloudVolume,
  ListImagesFilter,
} from './hcloud.types';
import type { TokenCheckResult } from './token-check';

export interface HcloudClientOptions {
  /** e.g. https://api.hetzner.cloud/v1 (a trailing slash is fine). */
  endpoint: string;
  token: string;
  /** 'snapshot-panel/<version>' */
  userAgent: string;
  /** Per request (each attempt), default 30 000 ms. */
  timeoutMs?: number;
  /** Default 5. */
  maxRetries?: number;
  /**
   * A total budget per call, in ms of real time: every attempt, the backoff between them and the reading of the
   * answer. When it runs out the call fails with code `timeout` and no further retry. Unset: no total budget
   * (background jobs), only `timeoutMs` per attempt.
   */
  deadlineMs?: number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Jitter source in [0, 1). */
  random?: () => number;
  /** ms since the epoch, for RateLimit-Reset math. */
  now?: () => number;
  onRequest?: (e: HcloudRequestEvent) => void;
}

export interface CreateServerRequest {
  name: string;
  serverType: string;
  imageId: number;
  location: string;
  labels: HcloudLabels;
  enableIpv4: boolean;
}

export interface ImageChangeRequest {
  description?: string;
  labels?: HcloudLabels;
}

/** What the rest of the panel codes against (HcloudClient implements it), so tests can hand in a typed fake. */
export interface HcloudApi {
  readonly lastRateLimit: HcloudRateLimit | null;
  getServer(id: number): Promise<HcloudServer>;
  createImage(
    serverId: number,
    req: ImageChangeRequest,
  ): Promise<{ image: HcloudImage; action: HcloudAction }>;
  listImages(filter?: ListImagesFilter): Promise<HcloudImage[]>;
  getImage(id: number): Promise<HcloudImage>;
  updateImage(id: number, req: ImageChangeRequest): Promise<HcloudImage>;
  deleteImage(id: number): Promise<void>;
  changeImageProtection(id: number, protect: { delete: boolean }): Promise<HcloudAction>;
  rebuildServer(
    serverId: number,
    imageId: number,
  ): Promise<{ action: HcloudAction; rootPassword: string | null }>;
  createServer(req: CreateServerRequest): Promise<{ server: HcloudServer; action: HcloudAction }>;
  deleteServer(id: number): Promise<HcloudAction | null>;
  listServers(filter?: { label_selector?: string }): Promise<HcloudServer[]>;
  listServerTypes(): Promise<HcloudServerTypeListing[]>;
  getVolume(id: number): Promise<HcloudVolume>;
  getAction(id: number, signal?: AbortSignal): Promise<HcloudAction>;
  waitForAction(action: HcloudAction | number, opts?: WaitForActionOptions): Promise<HcloudAction>;
  getPricing(): Promise<HcloudPricing>;
  checkToken(serverId: number): Promise<TokenCheckResult>;
}

export const DEFAULT_TIMEOUT_MS = 30_000;
export const DEFAULT_MAX_RETRIES = 5;

/** Resolves after `ms`, or rejects with the signal's reason as soon as it aborts. */
export function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
