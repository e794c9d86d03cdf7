// The one HTTP primitive under the Hetzner client and the metadata client: a request and its whole answer,
// on node:http(s). Not fetch: Node's fetch (undici) costs a serving process about 25 MB of resident memory
// once it has been used (its WebAssembly HTTP parser, compiled, and its own pools), where node:http's parser
// is part of the binary (measured: a bare node grows 28.6 MB after five fetches, 2.5 MB after five
// http.get). The default agent keeps connections alive, as fetch did. No redirect is followed.
import * as http from 'node:http';
import * as https from 'node:https';

/** The answer's headers, read by name in any case (the part of fetch's Headers the client uses). */
export interface AnswerHeaders {
  get(name: string): string | null;
}

export interface HttpAnswer {
  status: number;
  headers: AnswerHeaders;
  text: string;
}

export interface HttpExchangeInit {
  method: string;
  headers?: Record<string, string>;
  body?: string;
  /** Aborting it ends the request at any point, the answer's body included; the promise rejects with its reason. */
  signal?: AbortSignal;
}

/** Sends one request and resolves with the whole answer, whatever its status; rejects when none came whole. */
export function httpExchange(url: string, init: HttpExchangeInit): Promise<HttpAnswer> {
  const target = new URL(url);
  const client = target.protocol === 'https:' ? https : target.protocol === 'http:' ? http : null;
  if (!client) return Promise.reject(new TypeError(`not an http(s) address: ${target.protocol}`));
  const { signal } = init;
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise<HttpAnswer>((resolve, reject) => {
    const headers: Record<string, string> = { ...init.headers };
    if (init.body !== undefined) headers['Content-Length'] = String(Buffer.byteLength(init.body));
    const req = client.request(target, { method: init.method, headers }, (res) => {
      // Decoded as it comes: the text lives on the JS heap, not in one more native buffer per answer that
      // would wait for a full collection to be freed.
      res.setEncoding('utf8');
      let text = '';
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => {
        signal?.removeEventListener('abort', onAbort);
        resolve({ status: res.statusCode ?? 0, headers: answerHeaders(res.headers), text });
      });
      res.on('error', fail);
      res.on('close', () => {
        if (!res.complete) fail(connectionClosed());
      });
    });
    function fail(err: unknown): void {
      signal?.removeEventListener('abort', onAbort);
      reject(err);
    }
    function onAbort(): void {
      fail(signal?.reason);
      req.destroy();
    }
    signal?.addEventListener('abort', onAbort, { once: true });
    req.on('error', fail);
    req.end(init.body);
  });
}

function answerHeaders(raw: http.IncomingHttpHeaders): AnswerHeaders {
  return {
    get(name) {
      const value = raw[name.toLowerCase()];
      if (value === undefined) return null;
      return Array.isArray(value) ? value.join(', ') : value;
    },
  };
}

function connectionClosed(): Error {
  return Object.assign(new Error('the connection closed before the whole answer had come'), {
    code: 'ECONNRESET',
  });
}
