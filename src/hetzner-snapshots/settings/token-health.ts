// The stored token's health as every page, the settings page and doctor tell it: a token the current key cannot
// decrypt (the key file was lost or replaced, SECRET_KEY changed), and a token old enough to rotate. Pure.
import { plural } from '../wording/plural';

/** Tokens should be replaced now and then; after this many days every page reminds the admin. */
export const TOKEN_ROTATION_DAYS = 90;
const DAY_MS = 86_400_000;

export interface TokenHealthFacts {
  source: 'environment' | 'settings' | 'none';
  /** A stored ciphertext exists and the current key cannot decrypt it. */
  undecryptable: boolean;
  last4: string | null;
  savedAt: Date | null;
  now: Date;
  /** The key file was generated at this start (none was found). */
  keyCreated: boolean;
}

export interface TokenNotice {
  kind: 'error' | 'warning';
  message: string;
}

/** Steps to replace a token with no gap in the schedule: the old one keeps working until the new one is in. */
export const TOKEN_ROTATION_STEPS = [
  'In the Hetzner Console, open the project → Security → API Tokens and generate a new token with Read & Write permission.',
  'Paste it here under "Replace the token" and press "Check and replace" (or run "snapshot-panel token set"): the panel checks it first and switches only when it works, so automatic snapshots keep running.',
  'Only then delete the old token in the Hetzner Console.',
] as const;

/** Whole days since the token was saved; null when unknown (from the environment, or never saved). */
export function tokenAgeDays(savedAt: Date | null, now: Date): number | null {
  if (!savedAt) return null;
  return Math.max(0, Math.floor((now.getTime() - savedAt.getTime()) / DAY_MS));
}

export function isTokenRotationDue(savedAt: Date | null, now: Date): boolean {
  const days = tokenAgeDays(savedAt, now);
  return days !== null && days > TOKEN_ROTATION_DAYS;
}

/** "saved 12 days ago" for the settings page and doctor. */
export function describeTokenAge(savedAt: Date | null, now: Date): string {
  const days = tokenAgeDays(savedAt, now);
  if (days === null) return 'unknown';
  if (days === 0) return 'saved today';
  return `saved ${plural(days, 'day')} ago`;
}

export function undecryptableTokenMessage(facts: Pick<TokenHealthFacts, 'last4' | 'keyCreated'>): string {
  return (
    `The stored API token${facts.last4 ? ` (…${facts.last4})` : ''} cannot be decrypted with the current key, so the panel cannot reach Hetzner.` +
    (facts.keyCreated ? ' A new key file was generated at this start because none was found.' : '') +
    ' The encrypted token is kept: put back the key that encrypted it (DATA_DIR/secret.key or SECRET_KEY) and restart the panel to recover it, or paste the token again in Settings.'
  );
}

/** The warnings every page shows about the token. */
export function tokenNotices(facts: TokenHealthFacts): TokenNotice[] {
  if (facts.source !== 'settings') return [];
  if (facts.undecryptable) return [{ kind: 'error', message: undecryptableTokenMessage(facts) }];
  if (isTokenRotationDue(facts.savedAt, facts.now)) {
    const days = tokenAgeDays(facts.savedAt, facts.now)!;
    return [
      {
        kind: 'warning',
        message: `The API token was saved ${days} days ago (more than ${TOKEN_ROTATION_DAYS}): replace it. Create a new Read & Write token in the Hetzner Console, paste it in Settings ("Check and replace"; the schedule keeps running), then delete the old one.`,
      },
    ];
  }
  return [];
}
