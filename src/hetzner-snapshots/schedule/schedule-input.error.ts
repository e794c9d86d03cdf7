import { CodedError } from '../../errors/coded.error';

/** What was wrong with a schedule the admin typed or the database held. Tests and callers branch on it. */
export type ScheduleInputErrorCode =
  | 'unknown_format'
  | 'bad_hours'
  | 'bad_time'
  | 'bad_day'
  | 'invalid_cron'
  | 'too_frequent'
  | 'never_runs'
  | 'too_rare'
  | 'bad_offset'
  | 'bad_time_zone'
  | 'bad_count';

/** A schedule that cannot be used. `message` is written for the admin and names what is accepted. */
export class ScheduleInputError extends CodedError<ScheduleInputErrorCode> {}
