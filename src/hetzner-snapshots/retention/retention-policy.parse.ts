// How the stored retention settings are read and written: the one rule every page, command and job uses
// (through PanelSettingsStore), so "can we prune with this?" has one answer. Pure. Doubt keeps: a stored
// policy that cannot be read exactly is "unusable", retention then deletes nothing, and nobody reads it as
// "no tiers" (which would quietly switch the tiered policy off).
import { RetentionPolicyError } from './retention-policy.error';
import { assertValidRetentionPolicy, type RetentionPolicy, type RetentionTiers } from './retention.policy';
import { TIER_NAMES } from './retention.tiers';

/** The stored text as a person may see it on a page or in the audit trail: long values are cut. */
const RAW_SHOWN_MAX = 200;

export type StoredTiersReading =
  { kind: 'usable'; tiers: RetentionTiers | null } | { kind: 'unusable'; reason: string; raw: string };

export type RetentionPolicyReading =
  | { kind: 'usable'; policy: RetentionPolicy }
  | {
      kind: 'unusable';
      /** Which stored value is the problem. */
      field: 'retentionTiers' | 'retentionDays' | 'keepMin';
      /** Plain words, e.g. 'the stored retention tiers ({"hourly":) are not readable JSON'. */
      reason: string;
      /** What is stored, as text (cut when long); never a secret, these columns hold none. */
      raw: string;
    };

export interface StoredRetentionColumns {
  retentionDays: unknown;
  keepMin: unknown;
  /** JSON {hourly,daily,weekly,monthly}, or null/empty when the tiered policy is off. */
  retentionTiers: string | null;
}

/** The stored tiers: NULL or empty is "off"; anything else must be exactly the four whole-number tiers. */
export function parseStoredTiers(text: string | null | undefined): StoredTiersReading {
  if (text === null || text === undefined || text === '') return { kind: 'usable', tiers: null };
  const raw = shownRaw(text);
  const unusable = (why: string): StoredTiersReading => ({
    kind: 'unusable',
    reason: `the stored retention tiers (${raw}) ${why}`,
    raw,
  });
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return unusable('are not readable JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    return unusable('are not an object of tiers');
  const record = parsed as Record<string, unknown>;
  const unknown = Object.keys(record).filter((k) => !(TIER_NAMES as readonly string[]).includes(k));
  if (unknown.length > 0) return unusable(`name tiers the panel does not know (${unknown.join(', ')})`);
  const tiers = {} as RetentionTiers;
  for (const name of TIER_NAMES) {
    const v = record[name];
    if (v === undefined) return unusable(`lack the ${name} tier`);
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0)
      return unusable(`give ${name} as ${JSON.stringify(v)}, not a whole number of at least 0`);
    tiers[name] = v;
  }
  return { kind: 'usable', tiers };
}

/** The stored retention columns read as a policy retention may act on, or why it may not. */
export function parseRetentionPolicy(columns: StoredRetentionColumns): RetentionPolicyReading {
  const tiers = parseStoredTiers(columns.retentionTiers);
  if (tiers.kind === 'unusable') return { ...tiers, field: 'retentionTiers' };
  const policy = {
    retentionDays: columns.retentionDays,
    keepMin: columns.keepMin,
    tiers: tiers.tiers,
  } as RetentionPolicy;
  try {
    assertValidRetentionPolicy(policy);
  } catch (err) {
    if (!(err instanceof RetentionPolicyError)) throw err;
    const field = /^keepMin/.test(err.message) ? 'keepMin' : 'retentionDays';
    const raw = shownRaw(String(columns[field]));
    const name = field === 'keepMin' ? '"always keep the newest"' : '"delete after (days)"';
    return {
      kind: 'unusable',
      field,
      reason: `the stored ${name} (${raw}) is not usable: ${err.message}`,
      raw,
    };
  }
  return { kind: 'usable', policy };
}

/** The text the tiers are stored as; the only writer of the format parseStoredTiers reads. */
export function serializeTiers(tiers: RetentionTiers | null): string | null {
  if (!tiers) return null;
  return JSON.stringify({
    hourly: tiers.hourly,
    daily: tiers.daily,
    weekly: tiers.weekly,
    monthly: tiers.monthly,
  });
}

function shownRaw(text: string): string {
  return text.length > RAW_SHOWN_MAX ? `${text.slice(0, RAW_SHOWN_MAX)}…` : text;
}
