import { Transform } from 'class-transformer';
import { IsNotEmpty, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from './password.hasher';
import { trimmed } from '../../forms/form-validation';

export const USERNAME_RULE = /^[a-zA-Z0-9._-]{1,64}$/;
export const USERNAME_MESSAGE = 'Use 1 to 64 letters, digits, dots, dashes or underscores.';

export class LoginDto {
  @Transform(trimmed)
  @IsString()
  @IsNotEmpty({ message: 'Enter your username.' })
  @MaxLength(64, { message: 'That username is too long.' })
  username!: string;

  @IsString()
  @IsNotEmpty({ message: 'Enter your password.' })
  @MaxLength(PASSWORD_MAX_LENGTH, { message: 'That password is too long.' })
  password!: string;
}

export class NewPasswordFields {
  @IsString()
  @MinLength(PASSWORD_MIN_LENGTH, { message: `Use at least ${PASSWORD_MIN_LENGTH} characters.` })
  @MaxLength(PASSWORD_MAX_LENGTH, { message: `Use at most ${PASSWORD_MAX_LENGTH} characters.` })
  password!: string;

  @IsString()
  @IsNotEmpty({ message: 'Repeat the password.' })
  passwordRepeat!: string;
}

export class SetupDto extends NewPasswordFields {
  @Transform(trimmed)
  @IsString()
  @IsNotEmpty({ message: 'Enter the setup code from the panel log.' })
  @MaxLength(64, { message: 'That is not a setup code.' })
  setupCode!: string;

  @Transform(trimmed)
  @IsString()
  @Matches(USERNAME_RULE, { message: USERNAME_MESSAGE })
  username!: string;
}

export class ChangePasswordDto extends NewPasswordFields {
  @IsString()
  @IsNotEmpty({ message: 'Enter your current password.' })
  @MaxLength(PASSWORD_MAX_LENGTH)
  currentPassword!: string;
}

export class SecondFactorDto {
  @Transform(trimmed)
  @IsString()
  @IsNotEmpty({ message: 'Enter the 6-digit code from your app, or a recovery code.' })
  @MaxLength(20, { message: 'That is not a code: use the 6 digits from your app, or a recovery code.' })
  code!: string;
}

export class DisableTwoFactorDto {
  @IsString()
  @IsNotEmpty({ message: 'Enter your current password.' })
  @MaxLength(PASSWORD_MAX_LENGTH)
  confirmPassword!: string;
}
