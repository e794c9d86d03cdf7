// One-shot messages carried across a redirect (post → redirect → get) in a signed cookie, so a message
// shown on a page can only be one the panel itself set.
import type { Request, Response } from 'express';
import * as crypto from 'node:crypto';
import { constantTimeEqual } from './constant-time';
import { FLASH_COOKIE } from './request-context';

export interface Flash {
  kind: 'success' | 'error' | 'info' | 'warning';
  message: string;
}

let signingKey: Buffer = crypto.randomBytes(32);
export function setFlashKey(key: Buffer): void {
  signingKey = key;
}

const sign = (payload: string) =>
  crypto.createHmac('sha256', signingKey).update(`flash:${payload}`).digest('base64url');

export function setFlash(res: Response, flash: Flash, secure: boolean): void {
  const payload = Buffer.from(JSON.stringify(flash)).toString('base64url');
  res.cookie(FLASH_COOKIE, `${payload}.${sign(payload)}`, {
    httpOnly: true,
    sameSite: 'strict',
    secure,
    path: '/',
    maxAge: 60_000,
  });
}

export function takeFlash(req: Request, res: Response): Flash | null {
  const raw: unknown = req.cookies?.[FLASH_COOKIE];
  if (typeof raw !== 'string') return null;
  res.clearCookie(FLASH_COOKIE, { path: '/' });
  const [payload, signature] = raw.split('.');
  if (!payload || !signature) return null;
  if (!constantTimeEqual(signature, sign(payload))) return null;
  try {
    const parsed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Flash;
    return typeof parsed.message === 'string' ? parsed : null;
  } catch {
    return null;
  }
}
