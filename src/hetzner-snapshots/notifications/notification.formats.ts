// What each channel format sends for one message: generic JSON (signed with HMAC-SHA256 when the admin set
// a secret), Slack, Discord, ntfy and e-mail. Pure: a message in, a request body out. No format ever holds
// a secret; the signature goes in a header.
import * as crypto from 'node:crypto';
import type { Phase, Severity } from './notification.rules';

export const WEBHOOK_FORMATS = ['generic', 'slack', 'discord', 'ntfy'] as const;
export type WebhookFormat = (typeof WEBHOOK_FORMATS)[number];

export const SIGNATURE_HEADER = 'X-Snapshot-Panel-Signature-256';

/** One message, as every format renders it. */
export interface NotificationMessage {
  /** 'cycle.failed', 'cycle.recovered', 'snapshots.overdue', … or 'test' */
  event: string;
  kind: string;
  phase: Phase | 'test';
  severity: Severity;
  title: string;
  message: string;
  /** ISO time the event happened */
  at: string;
  server: { id: number | null; name: string | null };
  /** The run behind the event, when there is one (the old webhook's payload, kept for its receivers). */
  run: Record<string, unknown> | null;
}

export interface RenderedRequest {
  /** For a webhook: where to POST (ntfy publishes JSON at the server's root). */
  url: string;
  body: string;
  headers: Record<string, string>;
}

const SEVERITY_LABEL: Record<Severity, string> = {
  critical: 'CRITICAL',
  error: 'ERROR',
  warning: 'WARNING',
  info: 'OK',
};
const DISCORD_COLOR: Record<Severity, number> = {
  critical: 0x991b1b,
  error: 0xdc2626,
  warning: 0xd97706,
  info: 0x16a34a,
};
const NTFY_PRIORITY: Record<Severity, number> = { critical: 5, error: 4, warning: 3, info: 3 };
const NTFY_TAGS: Record<Severity, string[]> = {
  critical: ['rotating_light'],
  error: ['warning'],
  warning: ['warning'],
  info: ['white_check_mark'],
};

export function subjectLine(m: NotificationMessage): string {
  const where = m.server.name ? ` on ${m.server.name}` : '';
  const reminder = m.phase === 'reminder' ? ' (still)' : '';
  return `[${SEVERITY_LABEL[m.severity]}] ${m.title}${reminder}${where}`;
}

/** HMAC-SHA256 of the exact body bytes, hex, as `sha256=<hex>` (the form GitHub's webhooks use). */
export function signBody(body: string, secret: string): string {
  return `sha256=${crypto.createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

/** For receivers and tests: does the header match the body? Constant-time. */
export function verifySignature(body: string, header: string | undefined, secret: string): boolean {
  if (!header) return false;
  const expected = Buffer.from(signBody(body, secret));
  const given = Buffer.from(header);
  return expected.length === given.length && crypto.timingSafeEqual(expected, given);
}

export function renderWebhook(input: {
  format: WebhookFormat;
  url: string;
  message: NotificationMessage;
  /** generic: the HMAC key; ntfy: an access token; otherwise unused. */
  secret: string | null;
}): RenderedRequest {
  const m = input.message;
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  switch (input.format) {
    case 'generic': {
      const body = JSON.stringify({
        event: m.event,
        kind: m.kind,
        phase: m.phase,
        severity: m.severity,
        title: m.title,
        message: m.message,
        at: m.at,
        server: m.server,
        run: m.run,
      });
      headers['X-Snapshot-Panel-Event'] = m.event;
      if (input.secret) headers[SIGNATURE_HEADER] = signBody(body, input.secret);
      return { url: input.url, body, headers };
    }
    case 'slack':
      return {
        url: input.url,
        headers,
        body: JSON.stringify({ text: `*${escapeSlack(subjectLine(m))}*\n${escapeSlack(m.message)}` }),
      };
    case 'discord':
      return {
        url: input.url,
        headers,
        body: JSON.stringify({
          username: 'Snapshot Panel',
          allowed_mentions: { parse: [] },
          embeds: [
            {
              title: subjectLine(m).slice(0, 256),
              description: m.message.slice(0, 4000),
              color: DISCORD_COLOR[m.severity],
              timestamp: m.at,
            },
          ],
        }),
      };
    case 'ntfy': {
      const { root, topic } = ntfyTopic(input.url);
      if (input.secret) headers.Authorization = `Bearer ${input.secret}`;
      return {
        url: root,
        headers,
        body: JSON.stringify({
          topic,
          title: subjectLine(m),
          message: m.message,
          priority: NTFY_PRIORITY[m.severity],
          tags: NTFY_TAGS[m.severity],
        }),
      };
    }
  }
}

/** ntfy's JSON publishing goes to the server's root with the topic in the body: https://ntfy.sh/alerts → (https://ntfy.sh/, alerts). */
export function ntfyTopic(url: string): { root: string; topic: string } {
  const parsed = new URL(url);
  const parts = parsed.pathname.split('/').filter(Boolean);
  const topic = parts.pop() ?? '';
  parsed.pathname = `/${parts.map((p) => `${p}/`).join('')}`;
  parsed.search = '';
  return { root: parsed.toString(), topic: decodeURIComponent(topic) };
}

export function renderEmail(m: NotificationMessage): { subject: string; text: string } {
  const lines = [m.message, '', `Event: ${m.event} (${m.severity})`, `Time: ${m.at}`];
  if (m.server.id !== null) lines.push(`Server: ${m.server.name ?? ''} (id ${m.server.id})`.trim());
  if (m.run && typeof m.run.id === 'number') lines.push(`Run: #${m.run.id}`);
  lines.push('', '— Snapshot Panel');
  return { subject: subjectLine(m), text: lines.join('\n') };
}

/** Slack's mrkdwn treats <, > and & specially; a run's message must not become a link or a mention. */
function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
