// Test-only helpers for talking to a FakeHcloud over real HTTP (no jest imports, so it builds anywhere).
import type { FakeHcloud } from './fake-hcloud.server';

export interface FakeCallOptions {
  token?: string;
  body?: unknown;
  /** Sent as is, for malformed JSON. */
  rawBody?: string;
  signal?: AbortSignal;
}

export interface FakeCallResult {
  status: number;
  headers: Headers;
  text: string;
  // Tests read into bodies freely; their shape is checked against the spec in the conformance test.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any;
}

export async function callFake(
  fake: FakeHcloud,
  method: string,
  path: string,
  options: FakeCallOptions = {},
): Promise<FakeCallResult> {
  const headers: Record<string, string> = {};
  if (options.token !== undefined) headers.Authorization = `Bearer ${options.token}`;
  let body: string | undefined = options.rawBody;
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['Content-Type'] = 'application/json';
  }
  const response = await fetch(`${fake.url}${path}`, { method, headers, body, signal: options.signal });
  const text = await response.text();
  const isJson = response.headers.get('content-type')?.includes('application/json') ?? false;
  return {
    status: response.status,
    headers: response.headers,
    text,
    json: isJson && text ? JSON.parse(text) : undefined,
  };
}
