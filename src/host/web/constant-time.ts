import * as crypto from 'node:crypto';

/**
 * Whether two strings are the same, in time that does not tell how much of them matched. Compares bytes, not
 * characters: "é" is one character and two bytes, and timingSafeEqual throws (a 500) on buffers of two lengths.
 */
export function constantTimeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}
