import { Transform } from 'class-transformer';
import { IsNotEmpty, IsString, Matches, MaxLength } from 'class-validator';
import { trimmed } from '../../forms/form-validation';

// Pasting often brings a trailing newline or spaces; they are never part of a token.

/** The pasted token (form field or CLI standard input). Messages never repeat the value. */
export class SaveTokenDto {
  // validateForm shows the first message, and class-validator lists the lowest decorator first.
  @Transform(trimmed)
  @MaxLength(512, { message: 'That is longer than any Hetzner API token; paste just the token.' })
  @Matches(/^[\x21-\x7e]*$/, {
    message: 'An API token is one word of letters and digits, without spaces; paste just the token.',
  })
  @IsNotEmpty({ message: 'Paste the API token.' })
  @IsString({ message: 'Paste the API token.' })
  token!: string;
}
