import { Transform } from 'class-transformer';
import { IsIn, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { trimmed } from '../../forms/form-validation';

/** The restore confirmation form: the server's name typed out, and the one opt-out. */
export class RestoreDto {
  @Transform(trimmed)
  @IsString({ message: 'Type the server name to confirm.' })
  @IsNotEmpty({ message: 'Type the server name to confirm.' })
  @MaxLength(100, { message: 'That is longer than any server name.' })
  confirmServerName!: string;

  /** A checkbox: present ("1") when ticked, absent otherwise. */
  @IsOptional()
  @IsIn(['1'], { message: 'Tick the box or leave it empty.' })
  skipSafetySnapshot?: string;
}
