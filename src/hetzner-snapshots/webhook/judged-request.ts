// Every outgoing connection to an address an admin typed (webhooks, ntfy, the SMTP server) goes through
// here: the name is resolved, every address judged by webhook-address.rule, and the connection goes to an
// address that was judged (a custom lookup), so a DNS answer that changes between the check and the
// connect (rebinding) cannot reach the metadata service. No redirects are followed.
import * as dns from 'node:dns';
import * as http from 'node:http';
import * as https from 'node:https';
import type { LookupFunction } from 'node:net';
import { AddressUse, classifyAddress, judgeWebhookAddress } from './webhook-address.rule';

/** A lookup that hands Node only addresses the rule allowed; any refused address refuses the name. */
export function judgedLookup(allowPrivate: boolean, use: AddressUse = 'webhook'): LookupFunction {
  return (hostname, options, callback) => {
    dns.lookup(hostname, { all: true, verbatim: true }, (err, addresses) => {
      if (err) return callback(err, '', 0);
      // Any refused address refuses the name: a rebinding name may list a good one first.
      for (const { address } of addresses) {
        const verdict = judgeWebhookAddress(address, { allowPrivate, use });
        if (!verdict.ok) return callback(new Error(verdict.reason), '', 0);
      }
      if (addresses.length === 0) return callback(new Error(`${hostname} has no address`), '', 0);
      // Node asks for all addresses when it races IPv4 and IPv6 (autoSelectFamily): hand it only judged ones.
      if ((options as dns.LookupOptions).all)
        return (callback as unknown as (e: null, a: dns.LookupAddress[]) => void)(null, addresses);
      callback(null, addresses[0].address, addresses[0].family);
    });
  };
}

/** A literal address is judged at once (Node skips `lookup` for literals); a name yields null here. */
function literalProblem(host: string, allowPrivate: boolean, use: AddressUse): string | null {
  const bare = host.replace(/^\[|\]$/g, '');
  if (classifyAddress(bare) === null) return null;
  const verdict = judgeWebhookAddress(bare, { allowPrivate, use });
  return verdict.ok ? null : verdict.reason;
}

/** The one address a non-HTTP client (SMTP) should connect to: the name resolved and every address judged. */
export async function resolveJudged(host: string, allowPrivate: boolean): Promise<string> {
  const problem = literalProblem(host, allowPrivate, 'mail');
  if (problem) throw new Error(problem);
  const bare = host.replace(/^\[|\]$/g, '');
  if (classifyAddress(bare) !== null) return bare;
  return new Promise<string>((resolve, reject) =>
    judgedLookup(allowPrivate, 'mail')(bare, {}, (err, address) =>
      err ? reject(err) : resolve(address as string),
    ),
  );
}

export interface JudgedPostResult {
  status: number;
}

/** One POST, no redirects followed, to an address the rule allowed; resolves with the HTTP status. */
export function postJudged(input: {
  url: URL;
  body: string;
  headers: Record<string, string>;
  timeoutMs: number;
  allowPrivate: boolean;
  userAgent?: string;
}): Promise<JudgedPostResult> {
  const { url, body } = input;
  const problem = literalProblem(url.hostname, input.allowPrivate, 'webhook');
  if (problem) return Promise.reject(new Error(problem));
  const client = url.protocol === 'https:' ? https : http;
  return new Promise<JudgedPostResult>((resolve, reject) => {
    const req = client.request(
      url,
      {
        method: 'POST',
        headers: {
          'User-Agent': input.userAgent ?? 'snapshot-panel',
          ...input.headers,
          'Content-Length': Buffer.byteLength(body),
        },
        lookup: judgedLookup(input.allowPrivate),
        signal: AbortSignal.timeout(input.timeoutMs),
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0 }));
        res.on('error', reject);
      },
    );
    req.on('error', (err) => reject(err.name === 'AbortError' && err.cause ? err.cause : err));
    req.end(body);
  });
}

/** Only the origin goes into logs and pages: paths of chat webhooks are secrets of their own. */
export function safeOrigin(url: string | null): string | null {
  if (!url) return null;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.origin : null;
  } catch {
    return null;
  }
}
