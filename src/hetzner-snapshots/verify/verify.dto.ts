import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { DRILL_SCHEDULES, DrillSchedule } from './drill.rules';

/** The drill settings form: an optional TCP port (empty: not checked) and the schedule. */
export class DrillSettingsDto {
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' && value.trim() === ''
      ? undefined
      : typeof value === 'string'
        ? Number(value.trim())
        : value,
  )
  @IsOptional()
  @IsInt({ message: 'A port is a whole number from 1 to 65535, or empty for no check.' })
  @Min(1, { message: 'A port is a whole number from 1 to 65535, or empty for no check.' })
  @Max(65535, { message: 'A port is a whole number from 1 to 65535, or empty for no check.' })
  port?: number;

  @IsIn(DRILL_SCHEDULES, { message: 'Choose off, weekly or monthly.' })
  schedule!: DrillSchedule;
}
