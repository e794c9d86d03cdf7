import { CodedError } from '../../errors/coded.error';

/** Why a retention plan or estimate could not be made. Tests and callers branch on it. */
export type RetentionPolicyErrorCode =
  'invalid_policy' | 'invalid_time_zone' | 'invalid_clock' | 'invalid_runs_per_day';

/** Refusing to plan is the safe failure: with a policy or clock we cannot trust, nothing gets deleted. */
export class RetentionPolicyError extends CodedError<RetentionPolicyErrorCode> {}
