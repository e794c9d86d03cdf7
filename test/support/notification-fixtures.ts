// Local fakes for notification tests: HTTP receivers on 127.0.0.1 that keep what they got (and can be
// scripted to fail a few times), a small SMTP sink (smtp-server) that checks a user name and password, and
// adding a channel straight into its table (as a row stored before a rule existed, or by hand).
import { getRepositoryToken } from '@nestjs/typeorm';
import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { Repository } from 'typeorm';
import { NotificationChannel } from '../../src/hetzner-snapshots/notifications/notification.entities';
import { NOTIFICATION_KINDS } from '../../src/hetzner-snapshots/notifications/notification.rules';
import { encryptChannelSecret } from '../../src/hetzner-snapshots/notifications/notification-secret.cipher';
import { NotificationService } from '../../src/hetzner-snapshots/notifications/notification.service';
import { PanelHarness } from './panel-harness';

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface HttpReceiver {
  url: string;
  port: number;
  received: ReceivedRequest[];
  /** The next answers' statuses, in order; then 204. */
  failNext(...statuses: number[]): void;
  close(): Promise<void>;
}

export async function httpReceiver(): Promise<HttpReceiver> {
  const received: ReceivedRequest[] = [];
  const script: number[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      received.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body });
      res.writeHead(script.shift() ?? 204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    received,
    failNext: (...statuses) => script.push(...statuses),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export interface ReceivedMail {
  from: string;
  to: string[];
  raw: string;
  user: string | null;
}

export interface SmtpSink {
  port: number;
  mails: ReceivedMail[];
  close(): Promise<void>;
}

/** Plain SMTP on 127.0.0.1 (no TLS), AUTH PLAIN/LOGIN with the given credentials. */
export async function smtpSink(credentials: { user: string; pass: string }): Promise<SmtpSink> {
  const mails: ReceivedMail[] = [];
  const server = new SMTPServer({
    secure: false,
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    authOptional: false,
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === credentials.user && auth.password === credentials.pass)
        return callback(null, { user: auth.username });
      callback(new Error('Invalid username or password'));
    },
    onData(stream, session, callback) {
      let raw = '';
      stream.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
      stream.on('end', () => {
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw,
          user: typeof session.user === 'string' ? session.user : null,
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.server.address() as AddressInfo).port;
  return { port, mails, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** A channel row as stored, bypassing the form (the form's own rules are tested through the page). */
export async function addChannelRow(
  panel: PanelHarness,
  row: Partial<NotificationChannel> & { secret?: string },
): Promise<NotificationChannel> {
  const repo = panel.get<Repository<NotificationChannel>>(getRepositoryToken(NotificationChannel));
  const { secret, ...rest } = row;
  const now = new Date();
  return repo.save(
    repo.create({
      name: 'Test channel',
      kind: 'webhook',
      format: 'generic',
      enabled: true,
      events: NOTIFICATION_KINDS.join(','),
      url: null,
      emailJson: null,
      secretEncrypted: secret ? encryptChannelSecret(secret, panel.rt.keys.notificationEncryption) : null,
      createdAt: now,
      updatedAt: now,
      ...rest,
    }),
  );
}

/** Waits until the panel's observations and first delivery tries are done. */
export function flushNotifications(panel: PanelHarness): Promise<void> {
  return panel.get<NotificationService>(NotificationService).flush();
}
