// Tells an outside system (chat, monitoring) when a cycle fails and when the first one succeeds again: a
// JSON POST to the admin's webhook URL, with a timeout, in the background. A webhook that is down or slow
// never delays or fails a cycle, and the payload never holds the token. The host is resolved at delivery and
// every address judged (webhook-address.rule); the connection goes to the address that was judged, so a DNS
// answer that changes between the check and the connect (rebinding) cannot reach the metadata service.
import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import * as dns from 'node:dns';
import * as http from 'node:http';
import * as https from 'node:https';
import type { LookupFunction } from 'node:net';
import { PluginLogger } from '../logging/plugin.logger';
import { redactSecrets } from '../../logging/line.logger';
import { HETZNER_SNAPSHOTS_OPTIONS, HetznerSnapshotsModuleOptions } from '../hetzner-snapshots.options';
import { classifyAddress, judgeWebhookAddress } from '../webhook/webhook-address.rule';
import type { CycleWebhookEvent } from './cycle.decisions';

export interface CycleWebhookPayload {
  event: CycleWebhookEvent;
  server: { id: number | null; name: string | null };
  run: {
    id: number;
    trigger: string;
    status: string;
    startedAt: string;
    finishedAt: string | null;
    imageId: number | null;
    actionId: number | null;
    errorCode: string | null;
    deletedCount: number;
    requestCount: number;
  };
  message: string;
}

export const WEBHOOK_TIMEOUT_MS = 10_000;

@Injectable()
export class CycleWebhookNotifier implements OnModuleDestroy {
  private readonly logger = new PluginLogger('Webhook');
  private readonly pending = new Set<Promise<void>>();

  constructor(@Inject(HETZNER_SNAPSHOTS_OPTIONS) private readonly options: HetznerSnapshotsModuleOptions) {}

  /** Starts the delivery and returns at once; the promise settles when it is done (it never rejects). */
  notify(url: string, payload: CycleWebhookPayload): Promise<void> {
    const delivery = this.deliver(url, payload).finally(() => this.pending.delete(delivery));
    this.pending.add(delivery);
    return delivery;
  }

  /** Waits for deliveries still under way (each is bounded by its timeout). */
  async flush(): Promise<void> {
    await Promise.all([...this.pending]);
  }

  // A CLI command closes its context right after the cycle; let its notice go out first.
  async onModuleDestroy(): Promise<void> {
    await this.flush();
  }

  private async deliver(url: string, payload: CycleWebhookPayload): Promise<void> {
    const where = safeOrigin(url);
    if (!where) {
      this.logger.warn('webhook not sent: the webhook URL is not an http(s) URL');
      return;
    }
    try {
      const status = await this.post(new URL(url), redactSecrets(JSON.stringify(payload)));
      if (status < 200 || status >= 300)
        this.logger.warn(`webhook ${payload.event} to ${where} was answered with HTTP ${status}`);
      else this.logger.log(`webhook ${payload.event} delivered to ${where}`);
    } catch (err) {
      const reason =
        (err as Error)?.name === 'TimeoutError'
          ? `no answer within ${WEBHOOK_TIMEOUT_MS / 1000} s`
          : ((err as Error)?.message ?? String(err));
      this.logger.warn(`webhook ${payload.event} to ${where} failed: ${reason}`);
    }
  }

  /** One POST, no redirects followed, to an address the rule allowed; resolves with the HTTP status. */
  private post(url: URL, body: string): Promise<number> {
    const allowPrivate = this.options.webhookAllowPrivateAddresses === true;
    const host = url.hostname.replace(/^\[|\]$/g, '');
    // Node skips `lookup` for a literal address, so a literal is judged here.
    if (classifyAddress(host) !== null) {
      const verdict = judgeWebhookAddress(host, { allowPrivate });
      if (!verdict.ok) return Promise.reject(new Error(verdict.reason));
    }
    const lookup: LookupFunction = (hostname, options, callback) => {
      dns.lookup(hostname, { all: true, verbatim: true }, (err, addresses) => {
        if (err) return callback(err, '', 0);
        // Any refused address refuses the name: a rebinding name may list a good one first.
        for (const { address } of addresses) {
          const verdict = judgeWebhookAddress(address, { allowPrivate });
          if (!verdict.ok) return callback(new Error(verdict.reason), '', 0);
        }
        if (addresses.length === 0) return callback(new Error(`${hostname} has no address`), '', 0);
        // Node asks for all addresses when it races IPv4 and IPv6 (autoSelectFamily): hand it only judged ones.
        if ((options as dns.LookupOptions).all)
          return (callback as unknown as (e: null, a: dns.LookupAddress[]) => void)(null, addresses);
        callback(null, addresses[0].address, addresses[0].family);
      });
    };
    const client = url.protocol === 'https:' ? https : http;
    return new Promise<number>((resolve, reject) => {
      const req = client.request(
        url,
        {
          method: 'POST',
          headers: {
            'Content-Type': 'application/json',
            'User-Agent': 'snapshot-panel',
            'Content-Length': Buffer.byteLength(body),
          },
          lookup,
          signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
          res.on('error', reject);
        },
      );
      req.on('error', (err) => reject(err.name === 'AbortError' && err.cause ? err.cause : err));
      req.end(body);
    });
  }
}

/** Only the origin goes into logs: paths of chat webhooks are secrets of their own. */
function safeOrigin(url: string): string | null {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.origin : null;
  } catch {
    return null;
  }
}
