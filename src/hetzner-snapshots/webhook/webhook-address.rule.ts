// Which addresses the webhook may be delivered to: never the metadata service or any link-local, unspecified,
// multicast or reserved address; loopback and private ranges only when the admin allowed them
// (WEBHOOK_ALLOW_PRIVATE_ADDRESSES, for a local ntfy or similar). Pure: the one home of this rule, called when
// the URL is saved (for a literal address) and at delivery (for every address the name resolves to).

export type AddressClass =
  'public' | 'loopback' | 'private' | 'link-local' | 'unspecified' | 'multicast' | 'reserved';

export type AddressVerdict = { ok: true; address: string } | { ok: false; reason: string };

const ALWAYS_REFUSED: Record<Exclude<AddressClass, 'public' | 'loopback' | 'private'>, string> = {
  'link-local': 'a link-local address (169.254.0.0/16, fe80::/10), where the cloud metadata service lives',
  unspecified: 'the unspecified address (0.0.0.0/8, ::), which reaches this machine itself',
  multicast: 'a multicast address',
  reserved: 'a reserved or broadcast address',
};
const REFUSED_UNLESS_ALLOWED = {
  loopback: 'a loopback address (127.0.0.0/8, ::1): this machine itself',
  private: 'a private network address (10/8, 172.16/12, 192.168/16, 100.64/10, fc00::/7)',
} as const;

/** What goes to the address, for the refusal's words: webhooks (and ntfy), or mail to an SMTP server. */
export type AddressUse = 'webhook' | 'mail';
const WORDS: Record<AddressUse, { address: string; sent: string }> = {
  webhook: { address: 'The webhook address', sent: 'webhooks' },
  mail: { address: 'The SMTP server address', sent: 'mail' },
};

function allowPrivateHint(use: AddressUse): string {
  return `To send ${WORDS[use].sent} to this machine or your own network (a local ntfy, say), set WEBHOOK_ALLOW_PRIVATE_ADDRESSES=true where the panel is started.`;
}

/**
 * Reads an IPv4 address the way inet_aton (and so curl, browsers and the WHATWG URL parser) does:
 * 1 to 4 parts, each decimal, octal (leading 0) or hex (0x); the last part fills the remaining bytes, so
 * "127.1", "0x7f000001" and "2130706433" are all 127.0.0.1. Returns the 32-bit value, or null.
 */
export function parseIpv4(text: string): number | null {
  const parts = text.split('.');
  if (parts.length < 1 || parts.length > 4) return null;
  const values: number[] = [];
  for (const part of parts) {
    let value: number;
    if (/^0x[0-9a-f]*$/i.test(part)) value = part.length === 2 ? 0 : parseInt(part.slice(2), 16);
    else if (/^0[0-7]*$/.test(part)) value = parseInt(part, 8);
    else if (/^[1-9]\d*$/.test(part)) value = Number(part);
    else return null;
    values.push(value);
  }
  const last = values.pop()!;
  if (values.some((v) => v > 255)) return null;
  if (last >= 2 ** (8 * (4 - values.length))) return null;
  return values.reduce((sum, v, i) => sum + v * 2 ** (8 * (3 - i)), 0) + last;
}

/** Eight 16-bit groups of an IPv6 address (brackets and a zone id allowed), or null. */
export function parseIpv6(text: string): number[] | null {
  let t = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  t = t.replace(/%.*$/, '');
  if (!t.includes(':')) return null;
  const lastColon = t.lastIndexOf(':');
  const after = t.slice(lastColon + 1);
  if (after.includes('.')) {
    // A trailing dotted IPv4 part (::ffff:127.0.0.1) stands for the last two groups.
    if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(after)) return null;
    const octets = after.split('.').map(Number);
    if (octets.some((o) => o > 255)) return null;
    const hex = (hi: number, lo: number) => (hi * 256 + lo).toString(16);
    t = `${t.slice(0, lastColon + 1)}${hex(octets[0], octets[1])}:${hex(octets[2], octets[3])}`;
  }
  const halves = t.split('::');
  if (halves.length > 2) return null;
  const read = (s: string): number[] | null => {
    if (s === '') return [];
    const groups = s.split(':');
    if (groups.some((g) => !/^[0-9a-f]{1,4}$/i.test(g))) return null;
    return groups.map((g) => parseInt(g, 16));
  };
  const head = read(halves[0]);
  const rest = halves.length === 2 ? read(halves[1]) : [];
  if (!head || !rest) return null;
  const known = head.length + rest.length;
  if (halves.length === 2 ? known > 7 : known !== 8) return null;
  const zeros = halves.length === 2 ? new Array<number>(8 - known).fill(0) : [];
  return [...head, ...zeros, ...rest];
}

function classifyIpv4(v: number): AddressClass {
  const a = Math.floor(v / 2 ** 24);
  const b = Math.floor(v / 2 ** 16) % 256;
  if (a === 0) return 'unspecified';
  if (a === 127) return 'loopback';
  if (a === 169 && b === 254) return 'link-local';
  if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168)) return 'private';
  if (a === 100 && b >= 64 && b <= 127) return 'private'; // carrier-grade NAT, 100.64.0.0/10
  if (a === 198 && (b === 18 || b === 19)) return 'private'; // benchmarking, 198.18.0.0/15
  if (a >= 224 && a <= 239) return 'multicast';
  if (a >= 240) return 'reserved';
  return 'public';
}

function classifyIpv6(g: number[]): AddressClass {
  const allZeroUntil = (n: number) => g.slice(0, n).every((x) => x === 0);
  if (allZeroUntil(8)) return 'unspecified';
  if (allZeroUntil(7) && g[7] === 1) return 'loopback';
  // IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible (::a.b.c.d) and NAT64 (64:ff9b::/96) carry an IPv4 address.
  const embedded = (g[6] * 65536 + g[7]) >>> 0;
  if (allZeroUntil(5) && (g[5] === 0xffff || g[5] === 0)) return classifyIpv4(embedded);
  if (g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0)) return classifyIpv4(embedded);
  if ((g[0] & 0xffc0) === 0xfe80) return 'link-local';
  if ((g[0] & 0xffc0) === 0xfec0) return 'private'; // deprecated site-local
  if ((g[0] & 0xfe00) === 0xfc00) return 'private'; // unique local, fc00::/7
  if ((g[0] & 0xff00) === 0xff00) return 'multicast';
  return 'public';
}

/** The class of an IP literal in any form a URL host may hold; null when `host` is a name, not an address. */
export function classifyAddress(host: string): AddressClass | null {
  const v6 = parseIpv6(host);
  if (v6) return classifyIpv6(v6);
  const v4 = parseIpv4(host);
  return v4 === null ? null : classifyIpv4(v4);
}

/** May the webhook (or the SMTP client, `use: 'mail'`) connect to this address? A refusal says why, in words for the admin. */
export function judgeWebhookAddress(
  address: string,
  opts: { allowPrivate: boolean; use?: AddressUse },
): AddressVerdict {
  const kind = classifyAddress(address);
  if (kind === null) return { ok: false, reason: `"${address}" is not an IP address.` };
  if (kind === 'public') return { ok: true, address };
  const use = opts.use ?? 'webhook';
  const words = WORDS[use];
  if (kind === 'loopback' || kind === 'private') {
    if (opts.allowPrivate) return { ok: true, address };
    return {
      ok: false,
      reason: `${words.address} ${address} is ${REFUSED_UNLESS_ALLOWED[kind]}; the panel does not send ${words.sent} there by default. ${allowPrivateHint(use)}`,
    };
  }
  return {
    ok: false,
    reason: `${words.address} ${address} is ${ALWAYS_REFUSED[kind]}; the panel never sends ${words.sent} there.`,
  };
}

/**
 * At save time, without DNS: a literal address in the URL is judged now; "localhost" and *.localhost count as
 * loopback. Other names are judged at delivery, address by address. Null when nothing is wrong yet.
 */
export function webhookHostProblem(
  hostname: string,
  opts: { allowPrivate: boolean; use?: AddressUse },
): string | null {
  const host = hostname.toLowerCase().replace(/\.$/, '');
  if (host === 'localhost' || host.endsWith('.localhost')) {
    const verdict = judgeWebhookAddress('127.0.0.1', opts);
    return verdict.ok ? null : verdict.reason.replace('127.0.0.1', `${host} (127.0.0.1)`);
  }
  if (classifyAddress(host) === null) return null;
  const verdict = judgeWebhookAddress(host, opts);
  return verdict.ok ? null : verdict.reason;
}
