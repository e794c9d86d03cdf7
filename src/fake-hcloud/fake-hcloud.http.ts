import { ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import { FakeApiError } from './fake-hcloud.errors';

/** An answer worked out in full before any byte goes out, so it can also be sent broken. */
export interface FakeResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** The API's message when the request broke openapi.json's schemas, for the request log. */
  specViolation?: string;
}

export function jsonResponse(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): FakeResponse {
  if (body === undefined) return { status, headers, body: '' };
  return { status, headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) };
}

export function textResponse(
  status: number,
  text: string,
  headers: Record<string, string> = {},
): FakeResponse {
  return { status, headers: { 'Content-Type': 'text/plain; charset=utf-8', ...headers }, body: text };
}

export function errorResponse(error: FakeApiError, headers: Record<string, string> = {}): FakeResponse {
  return jsonResponse(error.status, error.toBody(), headers);
}

export function writeResponse(res: ServerResponse, response: FakeResponse): void {
  const body = Buffer.from(response.body);
  res.writeHead(response.status, {
    ...standardHeaders(),
    ...response.headers,
    'Content-Length': body.length,
  });
  res.end(body);
}

/** Announces the whole body, sends half of it and drops the connection, like a proxy dying mid-answer. */
export function writeTruncated(res: ServerResponse, response: FakeResponse): void {
  const body = Buffer.from(response.body);
  res.writeHead(response.status, {
    ...standardHeaders(),
    ...response.headers,
    'Content-Length': body.length,
  });
  res.write(body.subarray(0, Math.floor(body.length / 2)), () => res.destroy());
}

// Both official SDKs read X-Correlation-Id into their errors.
function standardHeaders(): Record<string, string> {
  return { 'X-Correlation-Id': randomBytes(8).toString('hex') };
}
