// Owns "how do we talk to Hetzner right now": which token is in effect (HCLOUD_TOKEN wins over the stored
// one), which server this panel manages (HCLOUD_SERVER_ID, else the metadata service), and building the
// HTTP client for them. Every other part of the plugin asks this service and never builds a client itself.
import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, Clock } from '../../clock/clock';
import { registerSecret } from '../../logging/line.logger';
import {
  HcloudClient,
  HcloudRequestEvent,
  InstanceMetadata,
  MetadataClient,
  MetadataUnavailableError,
} from '../hcloud';
import { HETZNER_SNAPSHOTS_OPTIONS, HetznerSnapshotsModuleOptions } from '../hetzner-snapshots.options';
import { PanelSettingsStore } from '../settings/panel-settings.store';
import { TokenDecryptionError, TokenVault } from './token.vault';
import { CodedError } from '../../errors/coded.error';
import { ApiUsageStore } from './api-usage.store';

export class NoTokenError extends CodedError<'no_token'> {
  constructor() {
    super('no_token', 'No Hetzner Cloud API token is set yet. Paste a Read & Write token in Settings.');
  }
}

export class NotOnHetznerError extends CodedError<'not_on_hetzner'> {
  constructor(detail: string) {
    super('not_on_hetzner', detail);
  }
}

export type TokenSource = 'environment' | 'settings';

/** No token, not on Hetzner, or a token this key cannot open: nothing to ask Hetzner with, say why. */
export function connectionUnavailable(err: unknown): err is Error {
  return (
    err instanceof NoTokenError || err instanceof NotOnHetznerError || err instanceof TokenDecryptionError
  );
}

/** The total time a page (or anything a person waits on) gives one Hetzner request, retries included. */
export const INTERACTIVE_DEADLINE_MS = 5_000;

export interface ServerIdentity {
  serverId: number;
  /** From metadata when discovered there; null when HCLOUD_SERVER_ID was given. */
  metadata: InstanceMetadata | null;
}

@Injectable()
export class HetznerConnectionService {
  private identity: ServerIdentity | null = null;
  private identityFailure: { error: NotOnHetznerError; at: number } | null = null;
  private readonly metadataClient: MetadataClient;
  private readonly requestObservers = new Set<(e: HcloudRequestEvent, client: HcloudClient) => void>();

  constructor(
    @Inject(HETZNER_SNAPSHOTS_OPTIONS) private readonly options: HetznerSnapshotsModuleOptions,
    private readonly settings: PanelSettingsStore,
    private readonly vault: TokenVault,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly usage: ApiUsageStore,
  ) {
    this.metadataClient = new MetadataClient({ endpoint: options.hcloud.metadataEndpoint });
    registerSecret(options.hcloud.envToken);
  }

  /** The token in effect and where it comes from, or null when none is set. */
  async effectiveToken(): Promise<{ token: string; source: TokenSource } | null> {
    if (this.options.hcloud.envToken) return { token: this.options.hcloud.envToken, source: 'environment' };
    const stored = (await this.settings.read()).token;
    if (!stored) return null;
    return { token: this.vault.open(stored.sealed), source: 'settings' };
  }

  /** A client for the token in effect (or the given one, for checking a token before it is saved). */
  async client(
    opts: { token?: string; onRequest?: (e: HcloudRequestEvent) => void; interactive?: boolean } = {},
  ): Promise<HcloudClient> {
    const token = opts.token ?? (await this.effectiveToken())?.token;
    if (!token) throw new NoTokenError();
    registerSecret(token);
    const observers = this.requestObservers;
    const client: HcloudClient = new HcloudClient({
      endpoint: this.options.hcloud.endpoint,
      token,
      userAgent: this.options.hcloud.userAgent,
      sleep: (ms, signal) => this.clock.sleep(ms, signal),
      now: () => this.clock.now().getTime(),
      // Every request of every client is counted, with the budget its answer reported, and shown to observers.
      onRequest: (event) => {
        this.usage.record(event);
        opts.onRequest?.(event);
        for (const observe of observers) observe(event, client);
      },
      // The interactive profile: a person waiting on a page gets an answer within seconds, whatever the API
      // does (hangs, refuses, 503s with backoff); background jobs keep the long per-try timeout and 5 retries.
      ...(opts.interactive ? this.interactiveProfile() : {}),
    });
    return client;
  }

  /** Every request any client of this process sends is reported here too (the metrics count them). */
  observeRequests(observer: (e: HcloudRequestEvent, client: HcloudClient) => void): () => void {
    this.requestObservers.add(observer);
    return () => this.requestObservers.delete(observer);
  }

  private interactiveProfile(): { deadlineMs: number; timeoutMs: number; maxRetries: number } {
    const deadlineMs = this.options.hcloud.interactiveDeadlineMs ?? INTERACTIVE_DEADLINE_MS;
    return { deadlineMs, timeoutMs: deadlineMs, maxRetries: 2 };
  }

  /** This server's id: HCLOUD_SERVER_ID, or asked once from the metadata service and remembered. */
  async server(): Promise<ServerIdentity> {
    if (this.options.hcloud.serverId) return { serverId: this.options.hcloud.serverId, metadata: null };
    if (this.identity) return this.identity;
    // A failed discovery is remembered briefly so page views do not each wait for the metadata timeout.
    if (this.identityFailure && Date.now() - this.identityFailure.at < 60_000)
      throw this.identityFailure.error;
    try {
      const metadata = await this.metadataClient.getInstance();
      this.identity = { serverId: metadata.serverId, metadata };
      this.identityFailure = null;
      return this.identity;
    } catch (err) {
      const detail =
        err instanceof MetadataUnavailableError
          ? err.message
          : `The metadata service gave an unexpected answer (${(err as Error).message}). Set HCLOUD_SERVER_ID to this server's id.`;
      const error = new NotOnHetznerError(detail);
      this.identityFailure = { error, at: Date.now() };
      throw error;
    }
  }

  async serverId(): Promise<number> {
    return (await this.server()).serverId;
  }

  get timeZone(): string {
    return this.options.timeZone;
  }
}
