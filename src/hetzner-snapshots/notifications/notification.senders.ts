// Sends one rendered message over one channel: a webhook POST through the judged connection (SSRF rule),
// or an e-mail through nodemailer to the judged address of the SMTP server. Each send has a timeout and
// either resolves or throws an error whose message is safe to record (no secret, no webhook path).
import { Inject, Injectable } from '@nestjs/common';
import { redactSecrets } from '../../logging/line.logger';
import { HETZNER_SNAPSHOTS_OPTIONS, HetznerSnapshotsModuleOptions } from '../hetzner-snapshots.options';
import { postJudged, resolveJudged, safeOrigin } from '../webhook/judged-request';
import type { EmailSettings } from './channel-settings';
import { NotificationMessage, renderEmail, renderWebhook, WebhookFormat } from './notification.formats';

export const DELIVERY_TIMEOUT_MS = 10_000;

export type ReadyChannel =
  | { kind: 'webhook'; format: WebhookFormat; url: string; secret: string | null }
  | { kind: 'email'; email: EmailSettings; password: string | null };

export class DeliveryError extends Error {}

@Injectable()
export class NotificationSenders {
  constructor(@Inject(HETZNER_SNAPSHOTS_OPTIONS) private readonly options: HetznerSnapshotsModuleOptions) {}

  private get allowPrivate(): boolean {
    return this.options.webhookAllowPrivateAddresses === true;
  }

  async send(channel: ReadyChannel, message: NotificationMessage): Promise<void> {
    try {
      if (channel.kind === 'webhook') await this.sendWebhook(channel, message);
      else await this.sendEmail(channel, message);
    } catch (err) {
      throw new DeliveryError(describeSendError(err, channel));
    }
  }

  private async sendWebhook(
    channel: Extract<ReadyChannel, { kind: 'webhook' }>,
    message: NotificationMessage,
  ) {
    // Last line of defence: a secret that found its way into a message text is masked before it is rendered
    // (and so before it is signed).
    const safe = JSON.parse(redactSecrets(JSON.stringify(message))) as NotificationMessage;
    const request = renderWebhook({
      format: channel.format,
      url: channel.url,
      message: safe,
      secret: channel.secret,
    });
    const { status } = await postJudged({
      url: new URL(request.url),
      body: request.body,
      headers: request.headers,
      timeoutMs: DELIVERY_TIMEOUT_MS,
      allowPrivate: this.allowPrivate,
      userAgent: this.options.hcloud.userAgent,
    });
    if (status < 200 || status >= 300) throw new DeliveryError(`answered with HTTP ${status}`);
  }

  private async sendEmail(channel: Extract<ReadyChannel, { kind: 'email' }>, message: NotificationMessage) {
    const { email } = channel;
    const address = await resolveJudged(email.host, this.allowPrivate);
    // Loaded on the first e-mail: most panels never send one, and idle memory is measured (bench/README).
    const nodemailer = await import('nodemailer');
    const transport = nodemailer.createTransport({
      host: address,
      port: email.port,
      secure: email.security === 'tls',
      requireTLS: email.security === 'starttls',
      ignoreTLS: email.security === 'none',
      // The certificate is checked against the name the admin typed, not the address connected to.
      tls: { servername: email.host },
      auth: email.username ? { user: email.username, pass: channel.password ?? '' } : undefined,
      connectionTimeout: DELIVERY_TIMEOUT_MS,
      greetingTimeout: DELIVERY_TIMEOUT_MS,
      socketTimeout: DELIVERY_TIMEOUT_MS * 2,
    });
    try {
      const { subject, text } = renderEmail(message);
      await transport.sendMail({
        from: email.from,
        to: email.to,
        subject: redactSecrets(subject),
        text: redactSecrets(text),
      });
    } finally {
      transport.close();
    }
  }
}

function describeSendError(err: unknown, channel: ReadyChannel): string {
  const where =
    channel.kind === 'webhook'
      ? (safeOrigin(channel.url) ?? 'the webhook')
      : `${channel.email.host}:${channel.email.port}`;
  const e = err as { name?: string; message?: string; code?: string; responseCode?: number };
  let reason: string;
  if (err instanceof DeliveryError) reason = e.message ?? 'failed';
  else if (e?.name === 'TimeoutError' || e?.code === 'ETIMEDOUT')
    reason = `no answer within ${DELIVERY_TIMEOUT_MS / 1000} s`;
  else if (e?.code === 'EAUTH') reason = 'the SMTP server refused the user name or password';
  else if (e?.responseCode) reason = `the SMTP server answered ${e.responseCode}: ${e.message ?? ''}`.trim();
  else reason = e?.message ?? String(err);
  // A webhook path may be a secret of its own and errors can quote the URL: only the origin is kept.
  const cleaned =
    channel.kind === 'webhook' ? reason.split(channel.url).join(safeOrigin(channel.url) ?? '') : reason;
  return redactSecrets(`${where}: ${cleaned}`).slice(0, 500);
}
