// The one sentence a retention plan is summed up in (the history, the prune note, `prune --dry-run`):
// how many it deletes, and how many it keeps for which reason, in a fixed order.
import { plural } from '../wording/plural';
import type { KeepReason, RetentionDecision, RetentionPolicy } from './retention.types';

const SUMMARY_ORDER: KeepReason[] = [
  'newest-k',
  'within-retention',
  'tier-hourly',
  'tier-daily',
  'tier-weekly',
  'tier-monthly',
  'protected',
  'not-available',
  'future-date',
  'not-automatic',
  'other-server',
  'server-label-mismatch',
  'not-snapshot',
];

export function summarizePlan(decisions: RetentionDecision[], policy: RetentionPolicy): string {
  if (decisions.length === 0) return 'No snapshots to consider.';
  const deleted = decisions.filter((decision) => decision.action === 'delete').length;
  const labels: Record<KeepReason, string> = {
    'newest-k': `among the newest ${policy.keepMin}`,
    'within-retention': `within ${plural(policy.retentionDays, 'day')}`,
    'tier-hourly': 'by the hourly tier',
    'tier-daily': 'by the daily tier',
    'tier-weekly': 'by the weekly tier',
    'tier-monthly': 'by the monthly tier',
    protected: 'protected',
    'not-available': 'not available',
    'future-date': 'dated in the future',
    'not-automatic': 'not automatic',
    'other-server': 'from another server',
    'server-label-mismatch': 'whose server label and source disagree',
    'not-snapshot': 'not snapshots',
    'listing-incomplete': 'listing incomplete',
  };
  const breakdown = SUMMARY_ORDER.map((reason) => {
    const count = decisions.filter(
      (decision) => decision.action === 'keep' && decision.reason === reason,
    ).length;
    return count > 0 ? `${count} ${labels[reason]}` : null;
  }).filter((part): part is string => part !== null);
  const deletes =
    deleted === 0
      ? `Deletes none of ${plural(decisions.length, 'snapshot')}.`
      : `Deletes ${deleted} of ${plural(decisions.length, 'snapshot')} (automatic ones older than ${plural(policy.retentionDays, 'day')}).`;
  return `${deletes} Keeps ${decisions.length - deleted}: ${breakdown.join(', ')}.`;
}
