import { Transform } from 'class-transformer';
import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import {
  DESCRIPTION_BAD_CHARACTERS,
  DESCRIPTION_MAX_LENGTH,
  DESCRIPTION_PATTERN,
  DESCRIPTION_TOO_LONG,
} from './snapshot-description';
import { trimmed } from '../../forms/form-validation';

/** "Take snapshot now" (form and `snapshot create`). */
export class TakeSnapshotDto {
  @IsOptional()
  @Transform(trimmed)
  @IsString({ message: 'The description must be text.' })
  @MaxLength(DESCRIPTION_MAX_LENGTH, { message: DESCRIPTION_TOO_LONG })
  @Matches(DESCRIPTION_PATTERN, { message: DESCRIPTION_BAD_CHARACTERS })
  description?: string;

  /** One-time key of the form, so a form sent twice takes one snapshot. */
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{16,64}$/, { message: 'This form is damaged; reload the page and try again.' })
  requestKey?: string;
}
