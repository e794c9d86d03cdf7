import { classifyAddress, judgeWebhookAddress, parseIpv6, webhookHostProblem } from './webhook-address.rule';

describe('classifyAddress: every form an address can take in a URL host', () => {
  test.each([
    // IPv4, and the forms inet_aton reads as the same address
    ['127.0.0.1', 'loopback'],
    ['127.1', 'loopback'],
    ['0x7f000001', 'loopback'],
    ['0x7f.1', 'loopback'],
    ['2130706433', 'loopback'],
    ['017700000001', 'loopback'],
    ['0177.0.0.1', 'loopback'],
    ['169.254.169.254', 'link-local'],
    ['0xa9fea9fe', 'link-local'],
    ['2852039166', 'link-local'],
    ['0.0.0.0', 'unspecified'],
    ['0', 'unspecified'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['172.32.0.1', 'public'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'private'],
    ['100.127.255.255', 'private'],
    ['100.128.0.1', 'public'],
    ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'reserved'],
    ['1.1.1.1', 'public'],
    ['116.203.0.1', 'public'],
    // IPv6
    ['::1', 'loopback'],
    ['[::1]', 'loopback'],
    ['0:0:0:0:0:0:0:1', 'loopback'],
    ['::', 'unspecified'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['[::ffff:7f00:1]', 'loopback'],
    ['::ffff:169.254.169.254', 'link-local'],
    ['::ffff:8.8.8.8', 'public'],
    ['64:ff9b::a9fe:a9fe', 'link-local'],
    ['fe80::', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['fd00::', 'private'],
    ['fc00::1', 'private'],
    ['ff02::1', 'multicast'],
    ['2a01:4f8::1', 'public'],
    // names
    ['example.com', null],
    ['hooks.example.com', null],
    ['1.2.3.4.5', null],
    ['256.1.1.1', null],
    ['1::2::3', null],
  ])('%s → %s', (host, kind) => {
    expect(classifyAddress(host)).toBe(kind);
  });

  test('parses a trailing dotted part as the last two groups', () => {
    expect(parseIpv6('::ffff:127.0.0.1')).toEqual([0, 0, 0, 0, 0, 0xffff, 0x7f00, 1]);
  });
});

describe('judgeWebhookAddress', () => {
  test.each([
    ['169.254.169.254', false, false, 'never sends webhooks there'],
    ['169.254.169.254', true, false, 'never sends webhooks there'],
    ['fe80::1', true, false, 'link-local'],
    ['0.0.0.0', true, false, 'unspecified'],
    ['127.0.0.1', false, false, 'WEBHOOK_ALLOW_PRIVATE_ADDRESSES=true'],
    ['127.0.0.1', true, true, null],
    ['::1', false, false, 'loopback'],
    ['10.0.0.5', false, false, 'private network'],
    ['10.0.0.5', true, true, null],
    ['fd00::1', false, false, 'private network'],
    ['1.1.1.1', false, true, null],
  ] as const)('%s (allow private: %s) → ok %s', (address, allowPrivate, ok, words) => {
    const verdict = judgeWebhookAddress(address, { allowPrivate });
    expect(verdict.ok).toBe(ok);
    if (!verdict.ok && words) expect(verdict.reason).toContain(words);
  });
});

describe('judgeWebhookAddress for the SMTP server: the same rule, in words about mail', () => {
  test.each([
    [
      '169.254.169.254',
      'The SMTP server address 169.254.169.254 is a link-local address',
      'never sends mail there',
    ],
    [
      '10.0.0.5',
      'The SMTP server address 10.0.0.5 is a private network address',
      'To send mail to this machine',
    ],
  ] as const)('%s', (address, start, words) => {
    const verdict = judgeWebhookAddress(address, { allowPrivate: false, use: 'mail' });
    expect(verdict.ok).toBe(false);
    if (!verdict.ok) {
      expect(verdict.reason.startsWith(start)).toBe(true);
      expect(verdict.reason).toContain(words);
      expect(verdict.reason).not.toContain('webhook');
    }
  });
});

describe('webhookHostProblem: what the form can tell before any DNS lookup', () => {
  test.each([
    ['localhost', false, 'loopback'],
    ['api.localhost', false, 'loopback'],
    ['localhost', true, null],
    ['169.254.169.254', true, 'never sends webhooks there'],
    ['[::1]', false, 'loopback'],
    ['hooks.example.com', false, null],
  ] as const)('%s (allow private: %s)', (host, allowPrivate, words) => {
    const problem = webhookHostProblem(host, { allowPrivate });
    if (words === null) expect(problem).toBeNull();
    else expect(problem).toContain(words);
  });
});
