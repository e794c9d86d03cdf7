// The one validation path for schedule and retention, whether the values come from the settings form or from
// `snapshot-panel schedule set` flags (mapped onto these fields by schedule-settings.form.ts). Schedule
// fields are checked with the schedule domain functions, so the page, the CLI and the scheduler agree.
import { Transform } from 'class-transformer';
import {
  IsIn,
  IsInt,
  Max,
  Min,
  Validate,
  ValidateIf,
  ValidationArguments,
  ValidatorConstraint,
  ValidatorConstraintInterface,
} from 'class-validator';
import { ScheduleInputError } from '../schedule/schedule-input.error';
import { parseFrequency, validateCron } from '../schedule/snapshot-schedule';
import { trimmed } from '../../forms/form-validation';

export const RETENTION_DAYS = { min: 1, max: 365 } as const;
// More than a thousand snapshots of one server is never a sensible floor; the account limit is far lower.
export const KEEP_MIN = { min: 1, max: 1000 } as const;
/** Caps per tier: a week of hourly, a year of daily, five years of weekly, ten years of monthly snapshots. */
export const TIER_CAPS = { hourly: 168, daily: 366, weekly: 260, monthly: 120 } as const;
export const FREQUENCY_KINDS = ['hours', 'daily', 'weekly', 'cron'] as const;
export type FrequencyKind = (typeof FREQUENCY_KINDS)[number];
export const WEEKDAY_KEYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
/** Room for "cron:" in the 200-character frequency column. */
export const CRON_MAX_LENGTH = 190;

const keyword = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.trim().toLowerCase() : value;
// Only plain digits become numbers; "1e3", "-1", "7.5" or "seven" stay strings and fail IsInt with our message.
const wholeNumber = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^\d{1,15}$/.test(value.trim()) ? Number(value.trim()) : value;

const rangeMessage = (min: number, max: number) => `Enter a whole number from ${min} to ${max}.`;

type ScheduleFieldKind = 'everyHours' | 'time' | 'weekday' | 'cron';

/** Runs the schedule domain parser on one field and reports its own sentence for the admin. */
@ValidatorConstraint({ name: 'scheduleField' })
class ScheduleFieldConstraint implements ValidatorConstraintInterface {
  validate(value: unknown, args: ValidationArguments): boolean {
    return scheduleFieldProblem(value, args.constraints[0] as ScheduleFieldKind) === null;
  }

  defaultMessage(args: ValidationArguments): string {
    return (
      scheduleFieldProblem(args.value, args.constraints[0] as ScheduleFieldKind) ??
      'This value is not accepted.'
    );
  }
}

const GENERIC: Record<ScheduleFieldKind, string> = {
  everyHours: 'Choose every 1, 2, 3, 4, 6, 8 or 12 hours.',
  time: 'Write the time as HH:MM in 24-hour form, e.g. 03:30.',
  weekday: 'Choose a day: mon, tue, wed, thu, fri, sat or sun.',
  cron: 'Enter a cron expression with 5 fields, e.g. "0 */4 * * *".',
};

export function scheduleFieldProblem(value: unknown, kind: ScheduleFieldKind): string | null {
  if (typeof value !== 'string' || value.trim() === '') return GENERIC[kind];
  if (kind === 'cron') {
    if (value.length > CRON_MAX_LENGTH) return `A cron expression has at most ${CRON_MAX_LENGTH} characters.`;
    const result = validateCron(value);
    return result.ok ? null : result.message;
  }
  // The parts are glued into the frequency syntax ("daily@03:30"), where "@" is the separator.
  if (value.includes('@') || value.length > 20) return GENERIC[kind];
  const text =
    kind === 'everyHours'
      ? /^\d+$/.test(value)
        ? `${value}h`
        : ''
      : kind === 'time'
        ? `daily@${value}`
        : `weekly@${value}@00:00`;
  if (text === '') return GENERIC[kind];
  try {
    parseFrequency(text);
    return null;
  } catch (err) {
    return err instanceof ScheduleInputError ? err.message : GENERIC[kind];
  }
}

/** A tiered policy that keeps nothing is the same as none; say so rather than store it. */
@ValidatorConstraint({ name: 'someTier' })
class SomeTierConstraint implements ValidatorConstraintInterface {
  validate(value: unknown, args: ValidationArguments): boolean {
    if (value !== 'true') return true;
    const dto = args.object as UpdateScheduleDto;
    const tiers = [dto.tierHourly, dto.tierDaily, dto.tierWeekly, dto.tierMonthly];
    // A tier with a wrong value reports its own message; this one only speaks when all are valid zeros.
    if (tiers.some((t) => typeof t !== 'number' || !Number.isInteger(t))) return true;
    return tiers.some((t) => (t as number) > 0);
  }

  defaultMessage(): string {
    return 'Keep at least one tier above 0, or turn the tiered policy off.';
  }
}

/** A tier count 0..cap, checked only while the tiered policy is on. */
function TierCount(cap: number): PropertyDecorator {
  const message = rangeMessage(0, cap);
  const decorators = [
    ValidateIf((o: UpdateScheduleDto) => o.tiersEnabled === 'true'),
    Transform(wholeNumber),
    IsInt({ message }),
    Min(0, { message }),
    Max(cap, { message }),
  ];
  return (target, key) => decorators.forEach((d) => d(target, key));
}

/**
 * Every field is a string as a form sends it (numbers are converted here). The frequency is split the way the
 * form shows it: a kind, and the parts that kind needs; parts of other kinds are ignored.
 */
export class UpdateScheduleDto {
  @Transform(keyword)
  @IsIn(['true', 'false'], { message: 'Choose on or off (true or false).' })
  enabled!: 'true' | 'false';

  @Transform(keyword)
  @IsIn(FREQUENCY_KINDS, {
    message: 'Choose how often: every few hours, daily, weekly or a custom cron expression.',
  })
  frequencyKind!: FrequencyKind;

  @ValidateIf((o: UpdateScheduleDto) => o.frequencyKind === 'hours')
  @Transform(trimmed)
  @Validate(ScheduleFieldConstraint, ['everyHours'])
  everyHours?: string;

  @ValidateIf((o: UpdateScheduleDto) => o.frequencyKind === 'daily')
  @Transform(trimmed)
  @Validate(ScheduleFieldConstraint, ['time'])
  dailyAt?: string;

  @ValidateIf((o: UpdateScheduleDto) => o.frequencyKind === 'weekly')
  @Transform(trimmed)
  @Validate(ScheduleFieldConstraint, ['weekday'])
  weeklyDay?: string;

  @ValidateIf((o: UpdateScheduleDto) => o.frequencyKind === 'weekly')
  @Transform(trimmed)
  @Validate(ScheduleFieldConstraint, ['time'])
  weeklyAt?: string;

  @ValidateIf((o: UpdateScheduleDto) => o.frequencyKind === 'cron')
  @Transform(trimmed)
  @Validate(ScheduleFieldConstraint, ['cron'])
  cron?: string;

  @Transform(wholeNumber)
  @IsInt({ message: rangeMessage(RETENTION_DAYS.min, RETENTION_DAYS.max) })
  @Min(RETENTION_DAYS.min, { message: rangeMessage(RETENTION_DAYS.min, RETENTION_DAYS.max) })
  @Max(RETENTION_DAYS.max, { message: rangeMessage(RETENTION_DAYS.min, RETENTION_DAYS.max) })
  retentionDays!: number;

  @Transform(wholeNumber)
  @IsInt({ message: rangeMessage(KEEP_MIN.min, KEEP_MIN.max) })
  @Min(KEEP_MIN.min, { message: rangeMessage(KEEP_MIN.min, KEEP_MIN.max) })
  @Max(KEEP_MIN.max, { message: rangeMessage(KEEP_MIN.min, KEEP_MIN.max) })
  keepMin!: number;

  @Transform(keyword)
  // 'stored': the stored tiers cannot be used and are left as they are (see KEEP_STORED_TIERS).
  @IsIn(['true', 'false', 'stored'], { message: 'Choose on or off (true or false).' })
  @Validate(SomeTierConstraint)
  tiersEnabled!: 'true' | 'false' | 'stored';

  @TierCount(TIER_CAPS.hourly) tierHourly?: number;
  @TierCount(TIER_CAPS.daily) tierDaily?: number;
  @TierCount(TIER_CAPS.weekly) tierWeekly?: number;
  @TierCount(TIER_CAPS.monthly) tierMonthly?: number;
}

/** The DTO's fields, in form order: what a complete form (or the CLI's merged flags) carries. */
export const SCHEDULE_FORM_FIELDS = [
  'enabled',
  'frequencyKind',
  'everyHours',
  'dailyAt',
  'weeklyDay',
  'weeklyAt',
  'cron',
  'retentionDays',
  'keepMin',
  'tiersEnabled',
  'tierHourly',
  'tierDaily',
  'tierWeekly',
  'tierMonthly',
] as const;
export type ScheduleFormField = (typeof SCHEDULE_FORM_FIELDS)[number];
export type ScheduleFormValues = Record<ScheduleFormField, string>;
