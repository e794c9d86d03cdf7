import { MetadataUnavailableError } from './hcloud-api.error';
import { timeoutSignal } from './hcloud-wire';
import { httpExchange, type HttpAnswer } from './http-exchange';

export interface MetadataClientOptions {
  /** e.g. http://169.254.169.254/hetzner/v1/metadata */
  endpoint: string;
  /** Per request, default 2000 ms: off Hetzner the link-local address often just does not answer. */
  timeoutMs?: number;
}

export interface InstanceMetadata {
  serverId: number;
  hostname: string;
  region: string;
  availabilityZone: string;
}

export const DEFAULT_METADATA_TIMEOUT_MS = 2_000;

/** Asks the Hetzner Cloud metadata service which server this process runs on (no token needed). */
export class MetadataClient {
  private readonly endpoint: string;
  private readonly timeoutMs: number;

  constructor(opts: MetadataClientOptions) {
    this.endpoint = opts.endpoint.replace(/\/+$/, '');
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_METADATA_TIMEOUT_MS;
  }

  async getInstance(): Promise<InstanceMetadata> {
    // instance-id first: off Hetzner that one question is enough to know, and nothing else is asked.
    const instanceId = await this.getText('instance-id');
    const serverId = Number(instanceId);
    if (!/^\d+$/.test(instanceId) || !Number.isSafeInteger(serverId) || serverId <= 0) {
      throw new MetadataUnavailableError(
        this.endpoint,
        `instance-id was ${JSON.stringify(instanceId.slice(0, 40))}, not a server id`,
      );
    }
    const [hostname, region, availabilityZone] = await Promise.all(
      ['hostname', 'region', 'availability-zone'].map((name) => this.getText(name)),
    );
    return { serverId, hostname, region, availabilityZone };
  }

  private async getText(name: string): Promise<string> {
    const timeout = timeoutSignal(this.timeoutMs);
    let answer: HttpAnswer;
    try {
      answer = await httpExchange(`${this.endpoint}/${name}`, { method: 'GET', signal: timeout.signal });
    } catch {
      throw new MetadataUnavailableError(
        this.endpoint,
        timeout.signal.aborted ? `no answer within ${this.timeoutMs} ms` : undefined,
      );
    } finally {
      timeout.clear();
    }
    if (answer.status < 200 || answer.status > 299)
      throw new MetadataUnavailableError(this.endpoint, `HTTP ${answer.status} for /${name}`);
    // The plain-text answers may end with a newline (hcloud-go trims them too).
    return answer.text.trim();
  }
}
