import {
  NotificationMessage,
  ntfyTopic,
  renderEmail,
  renderWebhook,
  SIGNATURE_HEADER,
  signBody,
  verifySignature,
} from './notification.formats';

const message: NotificationMessage = {
  event: 'cycle.failed',
  kind: 'cycle.failed',
  phase: 'started',
  severity: 'error',
  title: 'A snapshot cycle failed',
  message: 'Hetzner says: <disk> & co',
  at: '2026-01-01T03:30:00.000Z',
  server: { id: 42, name: 'web-1' },
  run: { id: 7, status: 'failed' },
};

describe('renderWebhook', () => {
  it('generic: the JSON the old webhook sent, plus kind/phase/severity, signed over the exact body', () => {
    const r = renderWebhook({
      format: 'generic',
      url: 'https://h.example/x',
      message,
      secret: 'k'.repeat(32),
    });
    expect(JSON.parse(r.body)).toMatchObject({
      event: 'cycle.failed',
      server: { id: 42 },
      run: { id: 7 },
      message: message.message,
    });
    expect(r.headers[SIGNATURE_HEADER]).toBe(signBody(r.body, 'k'.repeat(32)));
    expect(verifySignature(r.body, r.headers[SIGNATURE_HEADER], 'k'.repeat(32))).toBe(true);
    expect(verifySignature(`${r.body} `, r.headers[SIGNATURE_HEADER], 'k'.repeat(32))).toBe(false);
    expect(verifySignature(r.body, r.headers[SIGNATURE_HEADER], 'x'.repeat(32))).toBe(false);
    expect(r.body).not.toContain('k'.repeat(32));
  });

  it('generic without a secret has no signature header', () => {
    const r = renderWebhook({ format: 'generic', url: 'https://h.example/x', message, secret: null });
    expect(r.headers[SIGNATURE_HEADER]).toBeUndefined();
  });

  it('slack: one text, mrkdwn escaped', () => {
    const r = renderWebhook({
      format: 'slack',
      url: 'https://hooks.slack.com/services/T/B/x',
      message,
      secret: null,
    });
    expect(JSON.parse(r.body)).toEqual({
      text: '*[ERROR] A snapshot cycle failed on web-1*\nHetzner says: &lt;disk&gt; &amp; co',
    });
  });

  it('discord: an embed with a colour, no mentions', () => {
    const r = renderWebhook({
      format: 'discord',
      url: 'https://discord.com/api/webhooks/1/x',
      message,
      secret: null,
    });
    const body = JSON.parse(r.body);
    expect(body.allowed_mentions).toEqual({ parse: [] });
    expect(body.embeds[0]).toMatchObject({
      title: '[ERROR] A snapshot cycle failed on web-1',
      description: message.message,
    });
  });

  it('ntfy: JSON to the server root with the topic, priority and an access token', () => {
    const r = renderWebhook({
      format: 'ntfy',
      url: 'https://ntfy.example/alerts',
      message,
      secret: 'tk_abcdefghijklmnop',
    });
    expect(r.url).toBe('https://ntfy.example/');
    expect(JSON.parse(r.body)).toMatchObject({
      topic: 'alerts',
      priority: 4,
      title: '[ERROR] A snapshot cycle failed on web-1',
    });
    expect(r.headers.Authorization).toBe('Bearer tk_abcdefghijklmnop');
    expect(r.body).not.toContain('tk_abcdefghijklmnop');
  });
});

describe('ntfyTopic', () => {
  it.each([
    { url: 'https://ntfy.sh/alerts', root: 'https://ntfy.sh/', topic: 'alerts' },
    { url: 'https://example.com/ntfy/alerts?x=1', root: 'https://example.com/ntfy/', topic: 'alerts' },
    { url: 'http://127.0.0.1:8080/a-b_c/', root: 'http://127.0.0.1:8080/', topic: 'a-b_c' },
  ])('$url', ({ url, root, topic }) => {
    expect(ntfyTopic(url)).toEqual({ root, topic });
  });
});

describe('renderEmail', () => {
  it('a subject with severity and server, a body with the details', () => {
    const mail = renderEmail({ ...message, phase: 'reminder' });
    expect(mail.subject).toBe('[ERROR] A snapshot cycle failed (still) on web-1');
    expect(mail.text).toContain('Hetzner says: <disk> & co');
    expect(mail.text).toContain('Server: web-1 (id 42)');
    expect(mail.text).toContain('Run: #7');
  });
});
