// One-time keys carried by the "Take snapshot now" form: a form sent twice (double click, a resubmitted
// page) is recognised by its key and takes one snapshot. In memory: a double submit happens within seconds.
import { Injectable } from '@nestjs/common';
import * as crypto from 'node:crypto';

const KEEP_MS = 10 * 60_000;

export type KeyClaim = 'first' | 'repeat';

@Injectable()
export class CreateRequestKeys {
  private readonly claimed = new Map<string, number>();

  issue(): string {
    return crypto.randomBytes(18).toString('base64url');
  }

  /** Synchronous on purpose: two requests racing each other cannot both see 'first'. */
  claim(key: string, now: Date): KeyClaim {
    const nowMs = now.getTime();
    for (const [k, at] of this.claimed) if (nowMs - at >= KEEP_MS || at > nowMs) this.claimed.delete(k);
    if (this.claimed.has(key)) return 'repeat';
    this.claimed.set(key, nowMs);
    return 'first';
  }

  /** Only when nothing was created for sure (not after a timeout): the same form may be sent again. */
  release(key: string): void {
    this.claimed.delete(key);
  }
}
