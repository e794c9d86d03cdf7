import type { Request } from 'express';
import * as crypto from 'node:crypto';
import { CsrfTokens, crossSiteReason } from './csrf';

describe('CsrfTokens', () => {
  const tokens = new CsrfTokens(crypto.randomBytes(32));
  const session = { kind: 'session', id: 'a'.repeat(64) } as const;

  test('a token verifies only for the binding it was issued for', () => {
    const token = tokens.issue(session);
    expect(tokens.verify(session, token)).toBe(true);
    expect(tokens.verify({ kind: 'session', id: 'b'.repeat(64) }, token)).toBe(false);
    // The same id as a pre-session is another binding: an anonymous token never serves a session.
    expect(tokens.verify({ kind: 'pre-session', id: session.id }, token)).toBe(false);
    expect(tokens.verify(session, token.slice(0, -1))).toBe(false);
    expect(tokens.verify(session, undefined)).toBe(false);
    expect(tokens.verify(session, [token])).toBe(false);
    // As many characters as a token, twice the bytes: refused, not a RangeError from timingSafeEqual.
    expect(tokens.verify(session, 'é'.repeat(token.length))).toBe(false);
  });

  test('another key issues other tokens', () => {
    expect(new CsrfTokens(crypto.randomBytes(32)).issue(session)).not.toBe(tokens.issue(session));
  });

  test('a pre-session cookie is read back only when the server signed it', () => {
    const { id, cookie } = tokens.newPreSession();
    expect(tokens.readPreSession(cookie)).toBe(id);
    expect(tokens.readPreSession(id)).toBeNull();
    expect(tokens.readPreSession(`${id}.${'x'.repeat(43)}`)).toBeNull();
    expect(tokens.readPreSession(`${cookie}.extra`)).toBeNull();
    expect(tokens.readPreSession(`${id}.${'é'.repeat(43)}`)).toBeNull();
    expect(tokens.readPreSession(new CsrfTokens(crypto.randomBytes(32)).newPreSession().cookie)).toBeNull();
    expect(tokens.readPreSession(undefined)).toBeNull();
  });
});

describe('crossSiteReason', () => {
  const req = (headers: Record<string, string>, host = 'panel.example.com') =>
    ({ get: (name: string) => headers[name.toLowerCase()], host }) as unknown as Request;

  test.each<[string, Record<string, string>, boolean]>([
    ['no headers (curl, an old browser on the same origin)', {}, true],
    ['same-origin', { 'sec-fetch-site': 'same-origin', origin: 'https://panel.example.com' }, true],
    ['typed by the user', { 'sec-fetch-site': 'none' }, true],
    ['an Origin of this host, no Sec-Fetch-Site (plain HTTP)', { origin: 'http://panel.example.com' }, true],
    ['cross-site', { 'sec-fetch-site': 'cross-site' }, false],
    ['same-site (a sibling subdomain)', { 'sec-fetch-site': 'same-site' }, false],
    ['another site', { origin: 'https://evil.example' }, false],
    ['this host on another port', { origin: 'https://panel.example.com:8443' }, false],
    ['Origin null', { origin: 'null' }, false],
    [
      'same-origin with a foreign Origin',
      { 'sec-fetch-site': 'same-origin', origin: 'https://evil.example' },
      false,
    ],
  ])('%s', (_name, headers, allowed) => {
    expect(crossSiteReason(req(headers)) === null).toBe(allowed);
  });
});
