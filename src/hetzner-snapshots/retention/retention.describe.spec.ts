import { RetentionPolicyError } from './retention-policy.error';
import { describeRetention, estimateRetainedCount } from './retention.describe';
import type { RetentionPolicy } from './retention.policy';

const tiers = (partial: Partial<NonNullable<RetentionPolicy['tiers']>>) => ({
  hourly: 0,
  daily: 0,
  weekly: 0,
  monthly: 0,
  ...partial,
});

describe('estimateRetainedCount', () => {
  it.each<[string, RetentionPolicy, number, number]>([
    ['7 days, every 6 hours', { retentionDays: 7, keepMin: 3 }, 4, 28],
    ['7 days, daily', { retentionDays: 7, keepMin: 3 }, 1, 7],
    ['keepMin dominates a short retention', { retentionDays: 1, keepMin: 5 }, 1, 5],
    ['weekly runs, 30 days', { retentionDays: 30, keepMin: 3 }, 1 / 7, 4],
    ['no runs at all', { retentionDays: 7, keepMin: 3 }, 0, 3],
    ['daily tier beyond retention', { retentionDays: 7, keepMin: 3, tiers: tiers({ daily: 30 }) }, 4, 51],
    ['hourly tier beyond retention', { retentionDays: 1, keepMin: 1, tiers: tiers({ hourly: 48 }) }, 24, 48],
    [
      'a tier inside retention adds nothing',
      { retentionDays: 7, keepMin: 3, tiers: tiers({ daily: 5 }) },
      4,
      28,
    ],
    // 7 daily + 3 weekly (days 7-28) + 11 monthly (days 28-365)
    [
      'full GFS, daily runs',
      { retentionDays: 7, keepMin: 3, tiers: tiers({ daily: 7, weekly: 4, monthly: 12 }) },
      1,
      21,
    ],
    ['tiers of 0 are off', { retentionDays: 7, keepMin: 3, tiers: tiers({}) }, 4, 28],
  ])('%s', (_what, policy, runsPerDay, expected) => {
    expect(estimateRetainedCount({ policy, runsPerDay })).toBe(expected);
  });

  it.each([
    [{ retentionDays: 7, keepMin: 3 }, -1, 'invalid_runs_per_day'],
    [{ retentionDays: 7, keepMin: 3 }, Number.NaN, 'invalid_runs_per_day'],
    [{ retentionDays: 0, keepMin: 3 }, 1, 'invalid_policy'],
  ])('refuses %j with %d runs a day', (policy, runsPerDay, code) => {
    let thrown: unknown;
    try {
      estimateRetainedCount({ policy, runsPerDay });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(RetentionPolicyError);
    expect((thrown as RetentionPolicyError).code).toBe(code);
  });
});

describe('describeRetention', () => {
  it.each<[RetentionPolicy, { runsPerDay: number; averageSizeGb?: number }, string]>([
    [
      { retentionDays: 7, keepMin: 3 },
      { runsPerDay: 4, averageSizeGb: 2 },
      "Keeps automatic snapshots for 7 days and always at least the newest 3: about 28 snapshots, about 56 GB at today's sizes.",
    ],
    [
      { retentionDays: 7, keepMin: 3 },
      { runsPerDay: 4 },
      'Keeps automatic snapshots for 7 days and always at least the newest 3: about 28 snapshots.',
    ],
    [
      { retentionDays: 1, keepMin: 1 },
      { runsPerDay: 1, averageSizeGb: 4.5 },
      "Keeps automatic snapshots for 1 day and always at least the newest one: about 1 snapshot, about 4.5 GB at today's sizes.",
    ],
    [
      { retentionDays: 7, keepMin: 3, tiers: tiers({ daily: 30, monthly: 12 }) },
      { runsPerDay: 4, averageSizeGb: 40 },
      'Keeps automatic snapshots for 7 days, plus the newest of each day for 30 days and of each month for 12 months, ' +
        "and always at least the newest 3: about 62 snapshots, about 2.5 TB at today's sizes.",
    ],
    [
      { retentionDays: 3, keepMin: 2, tiers: tiers({ hourly: 24, daily: 7, weekly: 4 }) },
      { runsPerDay: 24 },
      'Keeps automatic snapshots for 3 days, plus the newest of each hour for 24 hours, of each day for 7 days and of ' +
        'each week for 4 weeks, and always at least the newest 2: about 79 snapshots.',
    ],
  ])('%j, %j', (policy, opts, expected) => {
    expect(describeRetention(policy, opts)).toBe(expected);
  });
});
