// Tells an outside system (chat, monitoring) when a cycle fails and when the first one succeeds again: a
// JSON POST to the admin's webhook URL, with a timeout, in the background. A webhook that is down or slow
// never delays or fails a cycle, and the payload never holds the token.
import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { PluginLogger } from '../logging/plugin.logger';
import { redactSecrets } from '../../logging/line.logger';
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
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'User-Agent': 'snapshot-panel' },
        body: redactSecrets(JSON.stringify(payload)),
        signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
        redirect: 'error',
      });
      await res.arrayBuffer().catch(() => undefined);
      if (!res.ok)
        this.logger.warn(`webhook ${payload.event} to ${where} was answered with HTTP ${res.status}`);
      else this.logger.log(`webhook ${payload.event} delivered to ${where}`);
    } catch (err) {
      const reason =
        (err as Error)?.name === 'TimeoutError'
          ? `no answer within ${WEBHOOK_TIMEOUT_MS / 1000} s`
          : ((err as Error)?.message ?? String(err));
      this.logger.warn(`webhook ${payload.event} to ${where} failed: ${reason}`);
    }
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
