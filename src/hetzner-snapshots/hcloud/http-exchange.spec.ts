import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { httpExchange } from './http-exchange';

/** A server on 127.0.0.1 that answers each request with the handler's doing. */
async function serve(handler: http.RequestListener): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('httpExchange', () => {
  let server: { url: string; close: () => Promise<void> } | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('sends the method, headers and body, and resolves with the whole answer and its headers by any case', async () => {
    const seen: { method?: string; type?: string; length?: string; body?: string } = {};
    server = await serve((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        Object.assign(seen, {
          method: req.method,
          type: req.headers['content-type'],
          length: req.headers['content-length'],
          body,
        });
        res.setHeader('RateLimit-Remaining', '3599');
        res.setHeader('Set-Cookie', ['a=1', 'b=2']);
        res.writeHead(201).end('{"ok":"é"}');
      });
    });
    const answer = await httpExchange(`${server.url}/images`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{"name":"é"}',
    });
    expect(seen).toEqual({ method: 'POST', type: 'application/json', length: '13', body: '{"name":"é"}' });
    expect(answer.status).toBe(201);
    expect(answer.text).toBe('{"ok":"é"}');
    expect(answer.headers.get('ratelimit-remaining')).toBe('3599');
    expect(answer.headers.get('RateLimit-Remaining')).toBe('3599');
    expect(answer.headers.get('set-cookie')).toBe('a=1, b=2');
    expect(answer.headers.get('x-missing')).toBeNull();
  });

  it('does not follow a redirect: the 3xx is the answer', async () => {
    server = await serve((_req, res) => res.writeHead(301, { Location: 'http://169.254.169.254/' }).end());
    const answer = await httpExchange(`${server.url}/`, { method: 'GET' });
    expect(answer.status).toBe(301);
  });

  it('rejects with the signal’s reason when aborted while the body is still coming', async () => {
    server = await serve((_req, res) => {
      res.writeHead(200, { 'Content-Length': '100' });
      res.write('{"partial":');
    });
    const controller = new AbortController();
    const pending = httpExchange(`${server.url}/`, { method: 'GET', signal: controller.signal });
    setTimeout(() => controller.abort(new Error('timed out')), 50);
    await expect(pending).rejects.toThrow('timed out');
  });

  it('rejects at once with an already aborted signal, sending nothing', async () => {
    let requests = 0;
    server = await serve((_req, res) => {
      requests++;
      res.end();
    });
    const controller = new AbortController();
    controller.abort(new Error('stopped'));
    await expect(
      httpExchange(`${server.url}/`, { method: 'GET', signal: controller.signal }),
    ).rejects.toThrow('stopped');
    expect(requests).toBe(0);
  });

  it('rejects when the connection closes before the whole answer, with a code the retry policy reads', async () => {
    server = await serve((_req, res) => {
      res.writeHead(200, { 'Content-Length': '100' });
      res.write('{"partial":', () => res.socket?.destroy());
    });
    await expect(httpExchange(`${server.url}/`, { method: 'GET' })).rejects.toMatchObject({
      code: 'ECONNRESET',
    });
  });

  it('rejects with the system error when nothing listens', async () => {
    server = await serve((_req, res) => res.end());
    const { url } = server;
    await server.close();
    server = undefined;
    await expect(httpExchange(`${url}/`, { method: 'GET' })).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('refuses an address that is not http or https', async () => {
    await expect(httpExchange('file:///etc/passwd', { method: 'GET' })).rejects.toThrow(
      'not an http(s) address',
    );
  });
});
