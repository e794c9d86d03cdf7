// What the page, every page's banner and the CLI say while the stored retention cannot be used. Pure.
import type { RetentionPolicyReading } from '../retention/retention-policy.parse';

export type UnusableRetention = Extract<RetentionPolicyReading, { kind: 'unusable' }>;

export function retentionProblemMessage(reading: UnusableRetention): string {
  const fix =
    reading.field === 'retentionTiers'
      ? 'choose the tiered policy on or off in Settings (or run "snapshot-panel schedule set --tiers …") and save'
      : 'save the retention settings again in Settings';
  return `Retention keeps every snapshot until this is fixed: ${reading.reason}. To fix it, ${fix}.`;
}
