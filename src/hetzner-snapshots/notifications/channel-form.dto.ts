// The two channel forms (webhook, e-mail) as class-validator DTOs: what the settings page and the CLI may
// submit, with one sentence per wrong field. The address rule (SSRF) and the secret rules that depend on the
// stored channel are checked by NotificationChannelsService after these.
import { Transform } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  Validate,
  ValidateIf,
  ValidationArguments,
  ValidatorConstraint,
  ValidatorConstraintInterface,
} from 'class-validator';
import { webhookUrlProblem } from '../webhook/webhook-url.rule';
import { WEBHOOK_FORMATS, type WebhookFormat } from './notification.formats';
import { trimmed } from '../../forms/form-validation';

const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^\d{1,5}$/.test(value.trim()) ? Number(value.trim()) : value;
const CHECKBOX = ['on', '1', 'true'];

@ValidatorConstraint({ name: 'channelUrl' })
class ChannelUrlConstraint implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return webhookUrlProblem(value) === null;
  }
  defaultMessage(args: ValidationArguments): string {
    return webhookUrlProblem(args.value) ?? 'That is not a web address.';
  }
}

const EMAIL =
  /^[^\s@<>()",;:\\[\]]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/;

/** "a@example.com, b@example.com": every address must be one; at most 20. */
export function recipientsProblem(value: unknown): string | null {
  if (typeof value !== 'string' || value.trim() === '') return 'Enter at least one address to send to.';
  const list = splitRecipients(value);
  if (list.length > 20) return 'Send to at most 20 addresses.';
  const bad = list.find((a) => !EMAIL.test(a) || a.length > 254);
  return bad ? `"${bad.slice(0, 60)}" is not an e-mail address.` : null;
}

export function splitRecipients(value: string): string[] {
  return value
    .split(/[,;\s]+/)
    .map((s) => s.trim())
    .filter(Boolean);
}

@ValidatorConstraint({ name: 'recipients' })
class RecipientsConstraint implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return recipientsProblem(value) === null;
  }
  defaultMessage(args: ValidationArguments): string {
    return recipientsProblem(args.value) ?? 'Enter e-mail addresses separated by commas.';
  }
}

class ChannelBaseDto {
  @Transform(trimmed)
  @IsString({ message: 'Give the channel a name, e.g. "Ops e-mail".' })
  @IsNotEmpty({ message: 'Give the channel a name, e.g. "Ops e-mail".' })
  @MaxLength(100, { message: 'A name has at most 100 characters.' })
  @Matches(/^[^\p{Cc}<>]*$/u, { message: 'A name cannot hold control characters or < >.' })
  name!: string;

  @IsOptional()
  @IsIn(CHECKBOX, { message: 'must be a checkbox' })
  enabled?: string;
}

export class WebhookChannelDto extends ChannelBaseDto {
  @IsIn(WEBHOOK_FORMATS, { message: 'Pick one of the formats: generic JSON, Slack, Discord or ntfy.' })
  format!: WebhookFormat;

  @Transform(trimmed)
  @Validate(ChannelUrlConstraint)
  url!: string;

  /** Generic: the HMAC-SHA256 key; ntfy: an access token. Empty keeps the stored one. */
  @IsOptional()
  @IsString()
  @ValidateIf((o: WebhookChannelDto) => typeof o.secret === 'string' && o.secret !== '')
  @MinLength(16, { message: 'Use at least 16 characters (for example: openssl rand -hex 32).' })
  @MaxLength(256, { message: 'A secret has at most 256 characters.' })
  @Matches(/^[\x21-\x7e]+$/, { message: 'Use letters, digits and punctuation only, no spaces.' })
  secret?: string;

  @IsOptional()
  @IsIn(CHECKBOX, { message: 'must be a checkbox' })
  clearSecret?: string;
}

export class EmailChannelDto extends ChannelBaseDto {
  @Transform(trimmed)
  @IsString()
  @IsNotEmpty({ message: 'Enter the SMTP server, e.g. smtp.example.com.' })
  @MaxLength(253, { message: 'A host name has at most 253 characters.' })
  @Matches(/^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.?)+$|^\[?[0-9A-Fa-f:.]+\]?$/, {
    message: 'Enter a host name such as smtp.example.com, or an IP address.',
  })
  host!: string;

  // class-validator reports the decorator nearest the field first: "not a number" before "out of range".
  @Transform(toInt)
  @Min(1, { message: 'Enter a port number from 1 to 65535.' })
  @Max(65535, { message: 'Enter a port number from 1 to 65535.' })
  @IsInt({ message: 'Enter a port number: 587 for STARTTLS, 465 for TLS, 25 without.' })
  port!: number;

  @IsIn(['starttls', 'tls', 'none'], { message: 'Pick STARTTLS, TLS or none.' })
  security!: 'starttls' | 'tls' | 'none';

  @IsOptional()
  @Transform(trimmed)
  @IsString()
  @MaxLength(200, { message: 'A user name has at most 200 characters.' })
  @Matches(/^[^\p{Cc}]*$/u, { message: 'A user name cannot hold control characters.' })
  username?: string;

  @IsIn(['stored', 'environment', 'none'], {
    message: 'Pick where the password comes from: stored here, SMTP_PASSWORD, or none.',
  })
  passwordSource!: 'stored' | 'environment' | 'none';

  /** Empty keeps the stored password. */
  @IsOptional()
  @IsString()
  @MaxLength(500, { message: 'A password has at most 500 characters.' })
  password?: string;

  @Transform(trimmed)
  @IsString()
  @Matches(EMAIL, { message: 'Enter the sender address, e.g. snapshots@example.com.' })
  @MaxLength(254)
  from!: string;

  @Transform(trimmed)
  @Validate(RecipientsConstraint)
  to!: string;
}
