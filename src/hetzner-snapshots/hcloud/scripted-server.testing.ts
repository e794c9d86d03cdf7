// Test helper in the manner of hcloud-go's exp/mockutil: a real HTTP server on 127.0.0.1 and a random port that
// answers a script of expected requests in order, records every request, and reports any call it did not expect.
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isDeepStrictEqual } from 'node:util';

export interface ScriptedResponse {
  /** Default 200. */
  status?: number;
  /** Sent as JSON with Content-Type application/json. */
  json?: unknown;
  /** Raw body, for non-JSON answers (an HTML 502 from a proxy). */
  body?: string;
  headers?: Record<string, string>;
  /** Accept the request and never answer (until close): provokes the client's timeout. */
  hang?: boolean;
  /** Destroy the connection without answering: provokes a network error. */
  destroy?: boolean;
  /**
   * Send the status, the headers and half the body, then stop: 'stall' leaves the connection open (the
   * client's timeout), 'cut' closes it (a network error).
   */
  halfBody?: 'stall' | 'cut';
}

export interface ScriptedStep extends ScriptedResponse {
  method: string;
  /** Exact path after the base path, query string included, e.g. `/images?page=1&per_page=50`. */
  path: string;
  /** When set, the request's JSON body must deep-equal this. */
  expectBody?: unknown;
  /** Builds the answer at request time (simulated clocks, counters); overrides the static fields. */
  respond?: (req: RecordedRequest) => ScriptedResponse;
  /** Keep answering matching requests with this step until one does not match; must be used at least once. */
  repeat?: boolean;
}

export interface RecordedRequest {
  method: string;
  /** After the base path, query string included. */
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** The body parsed as JSON, or undefined when empty / not JSON. */
  json: unknown;
}

export interface ScriptedServerOptions {
  /** Stripped from request paths before matching, default `/v1`. */
  basePath?: string;
  /** Default true. When false, a request may match any pending step (for clients that send in parallel). */
  ordered?: boolean;
}

interface PendingStep {
  step: ScriptedStep;
  uses: number;
}

export class ScriptedServer {
  readonly requests: RecordedRequest[] = [];
  /** One line per request that did not match the script. */
  readonly unexpected: string[] = [];
  private pending: PendingStep[] = [];
  private server: Server;
  private portNumber = 0;

  private constructor(
    private readonly basePath: string,
    private readonly ordered: boolean,
  ) {
    this.server = this.createHttpServer();
  }

  static async start(opts: ScriptedServerOptions = {}): Promise<ScriptedServer> {
    const s = new ScriptedServer(opts.basePath ?? '/v1', opts.ordered ?? true);
    await s.listen(0);
    return s;
  }

  get port(): number {
    return this.portNumber;
  }

  /** Base URL including the base path, e.g. http://127.0.0.1:41234/v1 */
  get endpoint(): string {
    return `http://127.0.0.1:${this.portNumber}${this.basePath}`;
  }

  expect(...steps: ScriptedStep[]): this {
    this.pending.push(...steps.map((step) => ({ step, uses: 0 })));
    return this;
  }

  /** Throws when a request was unexpected or an expected one never came. */
  verify(): void {
    const missing = this.pending
      .filter((p) => !(p.step.repeat && p.uses > 0))
      .map((p) => `${p.step.method} ${p.step.path}`);
    const problems = [
      ...this.unexpected.map((u) => `unexpected request: ${u}`),
      ...missing.map((m) => `expected request never came: ${m}`),
    ];
    if (problems.length > 0) throw new Error(`ScriptedServer:\n  ${problems.join('\n  ')}`);
  }

  /** Stop accepting connections (the port then refuses them) and cut the open ones. */
  async stopListening(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  /** Accept connections again on the same port. */
  async listenAgain(): Promise<void> {
    this.server = this.createHttpServer();
    await this.listen(this.portNumber);
  }

  async close(): Promise<void> {
    if (this.server.listening) await this.stopListening();
  }

  private async listen(port: number): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    this.portNumber = (this.server.address() as AddressInfo).port;
  }

  private createHttpServer(): Server {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        let json: unknown = undefined;
        try {
          json = body ? JSON.parse(body) : undefined;
        } catch {
          json = undefined;
        }
        const rawPath = req.url ?? '/';
        const path = rawPath.startsWith(this.basePath) ? rawPath.slice(this.basePath.length) || '/' : rawPath;
        const recorded: RecordedRequest = {
          method: req.method ?? '',
          path,
          headers: req.headers,
          body,
          json,
        };
        this.requests.push(recorded);
        this.handle(recorded, rawPath, res);
      });
    });
    return server;
  }

  private match(r: RecordedRequest): PendingStep | undefined {
    const matches = (p: PendingStep): boolean => p.step.method === r.method && p.step.path === r.path;
    if (!this.ordered) return this.pending.find(matches);
    // A repeating head step that no longer matches is done: move on to the next one.
    while (
      this.pending.length > 1 &&
      this.pending[0].step.repeat &&
      this.pending[0].uses > 0 &&
      !matches(this.pending[0])
    ) {
      this.pending.shift();
    }
    const head = this.pending[0];
    return head && matches(head) ? head : undefined;
  }

  private handle(r: RecordedRequest, rawPath: string, res: ServerResponse): void {
    const found = rawPath.startsWith(this.basePath) ? this.match(r) : undefined;
    if (!found) {
      const next = this.pending[0]
        ? ` (next expected: ${this.pending[0].step.method} ${this.pending[0].step.path})`
        : '';
      return this.unexpectedCall(`${r.method} ${rawPath}${next}`, res);
    }
    const { step } = found;
    if (step.expectBody !== undefined && !isDeepStrictEqual(r.json, step.expectBody)) {
      return this.unexpectedCall(
        `${r.method} ${rawPath} with body ${r.body} (expected ${JSON.stringify(step.expectBody)})`,
        res,
      );
    }
    found.uses++;
    if (!step.repeat) this.pending.splice(this.pending.indexOf(found), 1);

    const answer: ScriptedResponse = step.respond ? step.respond(r) : step;
    if (answer.hang) return;
    if (answer.destroy) {
      res.socket?.destroy();
      return;
    }
    const headers: Record<string, string> = { ...(answer.headers ?? {}) };
    let payload = answer.body ?? '';
    if (answer.json !== undefined) {
      payload = JSON.stringify(answer.json);
      headers['content-type'] ??= 'application/json';
    }
    res.writeHead(answer.status ?? 200, { ...headers, 'content-length': String(Buffer.byteLength(payload)) });
    if (answer.halfBody) {
      res.write(payload.slice(0, Math.floor(payload.length / 2)), () => {
        if (answer.halfBody === 'cut') res.socket?.destroy();
      });
      return;
    }
    res.end(payload);
  }

  private unexpectedCall(line: string, res: ServerResponse): void {
    this.unexpected.push(line);
    // 500 is never retried by the client, so the test fails fast and verify() explains why.
    res.writeHead(500, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        error: { code: 'unexpected_request', message: `scripted server did not expect ${line}`, details: {} },
      }),
    );
  }
}
