// Owns the process configuration: every environment variable the panel reads is declared, validated and
// typed here, once, at start. Nothing else in the code base reads process.env.
// A wrong value stops the process with a message naming the variable and what it accepts.
import { plainToInstance, Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  validateSync,
} from 'class-validator';
import * as path from 'node:path';

const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value.trim()) : value;
const toBool = ({ value }: { value: unknown }) => {
  if (typeof value !== 'string') return value;
  const v = value.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(v)) return true;
  if (['0', 'false', 'no', 'off', ''].includes(v)) return false;
  return value;
};
const trimmed = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const URL_PATTERN = /^https?:\/\/[^\s/$.?#][^\s]*$/i;

/** Raw environment, as validated. Field names are the variable names: they are a public interface. */
class EnvironmentVariables {
  @IsOptional()
  @Transform(trimmed)
  @IsString()
  @MinLength(1)
  HOST: string = '127.0.0.1';

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT: number = 8080;

  @IsOptional()
  @Transform(trimmed)
  @IsString()
  @MinLength(1)
  DATA_DIR: string = './data';

  @IsOptional()
  @Transform(trimmed)
  @Matches(URL_PATTERN, { message: 'must be an http(s) URL' })
  HCLOUD_ENDPOINT: string = 'https://api.hetzner.cloud/v1';

  @IsOptional()
  @Transform(trimmed)
  @Matches(URL_PATTERN, { message: 'must be an http(s) URL' })
  HCLOUD_METADATA_ENDPOINT: string = 'http://169.254.169.254/hetzner/v1/metadata';

  @IsOptional()
  @Transform(toInt)
  @IsInt({ message: 'must be a whole number (the server id shown in the Hetzner Console URL)' })
  @Min(1)
  HCLOUD_SERVER_ID?: number;

  @IsOptional()
  @Transform(trimmed)
  @IsString()
  @MinLength(1)
  @MaxLength(512)
  HCLOUD_TOKEN?: string;

  @IsOptional()
  @Transform(trimmed)
  @IsString()
  @MinLength(32, { message: 'must be at least 32 characters (for example: openssl rand -hex 32)' })
  SECRET_KEY?: string;

  @IsOptional()
  @Transform(toBool)
  @IsBoolean({ message: 'must be true or false' })
  SECURE_COOKIES?: boolean;

  /** Lets a monitor read /readyz's details with "Authorization: Bearer <token>". */
  @IsOptional()
  @Transform(trimmed)
  @Matches(/^[A-Za-z0-9._~+/=-]{32,256}$/, {
    message: 'must be 32 to 256 letters, digits or ._~+/=- (for example: openssl rand -hex 32)',
  })
  HEALTH_TOKEN?: string;

  /** Turns /metrics on; Prometheus sends it as "Authorization: Bearer <token>". */
  @IsOptional()
  @Transform(trimmed)
  @Matches(/^[A-Za-z0-9._~+/=-]{32,256}$/, {
    message: 'must be 32 to 256 letters, digits or ._~+/=- (for example: openssl rand -hex 32)',
  })
  METRICS_TOKEN?: string;

  /** The password of e-mail channels set to take it from the environment rather than store it. */
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(500, { message: 'must be at most 500 characters' })
  SMTP_PASSWORD?: string;

  @IsOptional()
  @Transform(toBool)
  @IsBoolean({ message: 'must be true or false' })
  TRUST_PROXY: boolean = false;

  @IsOptional()
  @Transform(trimmed)
  @IsIn(['error', 'warn', 'info', 'debug'])
  LOG_LEVEL: 'error' | 'warn' | 'info' | 'debug' = 'info';

  @IsOptional()
  @Transform(trimmed)
  @IsString()
  TZ?: string;

  @IsOptional()
  @Transform(trimmed)
  @IsString()
  @MaxLength(4096)
  PRE_SNAPSHOT_COMMAND?: string;

  @IsOptional()
  @Transform(trimmed)
  @IsString()
  @MaxLength(4096)
  POST_SNAPSHOT_COMMAND?: string;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(3600)
  SNAPSHOT_HOOK_TIMEOUT_SECONDS: number = 60;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(59)
  SCHEDULE_SPREAD_MINUTES: number = 0;

  // log2 of scrypt's N for new password hashes. Stored hashes carry their own cost, so raising it later
  // invalidates nothing. Below 15 weakens passwords: meant for tests, which sign in hundreds of times.
  @IsOptional()
  @Transform(toInt)
  @IsInt({ message: 'must be a whole number: log2 of scrypt N (15 = 32 MiB, the default)' })
  @Min(10)
  @Max(20)
  PASSWORD_HASH_COST: number = 15;

  @IsOptional()
  @Transform(toBool)
  @IsBoolean({ message: 'must be true or false' })
  WEBHOOK_ALLOW_PRIVATE_ADDRESSES: boolean = false;
  @IsOptional()
  @Transform(toInt)
  @IsInt({ message: 'must be a whole number of minutes from 5 to 10080 (a week)' })
  @Min(5, { message: 'must be a whole number of minutes from 5 to 10080 (a week)' })
  @Max(7 * 24 * 60, { message: 'must be a whole number of minutes from 5 to 10080 (a week)' })
  SESSION_IDLE_MINUTES: number = 60;

  @IsOptional()
  @Transform(toInt)
  @IsInt({ message: 'must be a whole number of hours from 1 to 720 (30 days)' })
  @Min(1, { message: 'must be a whole number of hours from 1 to 720 (30 days)' })
  @Max(30 * 24, { message: 'must be a whole number of hours from 1 to 720 (30 days)' })
  SESSION_MAX_HOURS: number = 24;
}

export interface AppConfig {
  host: string;
  port: number;
  dataDir: string;
  databasePath: string;
  hcloudEndpoint: string;
  metadataEndpoint: string;
  serverId: number | null;
  envToken: string | null;
  secretKey: string | null;
  /** Bearer token that shows /readyz's details to a monitor; null: details only for a signed-in admin. */
  healthToken: string | null;
  /** Bearer token that turns /metrics on; null: /metrics answers 404. */
  metricsToken: string | null;
  /** SMTP_PASSWORD, for e-mail channels that take their password from the environment. */
  smtpPassword: string | null;
  /** null means: decide per request (Secure when the request came over TLS). */
  secureCookies: boolean | null;
  trustProxy: boolean;
  logLevel: 'error' | 'warn' | 'info' | 'debug';
  timeZone: string;
  preSnapshotCommand: string | null;
  postSnapshotCommand: string | null;
  hookTimeoutMs: number;
  scheduleSpreadMinutes: number;
  passwordHashCost: number;
  /** Total budget of one Hetzner request made for a page, retries included (not an env variable; tests shorten it). */
  hcloudInteractiveDeadlineMs: number;
  /** Webhooks may go to loopback and private addresses (a local ntfy); link-local/metadata never. */
  webhookAllowPrivateAddresses: boolean;
  /** A session ends after this long without a request… */
  sessionIdleMs: number;
  /** …and this long after sign-in, however active. */
  sessionMaxMs: number;
}

export class ConfigError extends Error {}

function isValidTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** Variables whose value is a secret: a message about a wrong one never quotes it. */
const SECRET_VARIABLES = ['HCLOUD_TOKEN', 'SECRET_KEY', 'HEALTH_TOKEN', 'METRICS_TOKEN', 'SMTP_PASSWORD'];

/** Validates an environment (process.env by default) into a typed config, or throws ConfigError. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const known = Object.keys(new EnvironmentVariables());
  // Optional fields without a default are not own keys of a fresh instance.
  known.push(
    ...SECRET_VARIABLES,
    'HCLOUD_SERVER_ID',
    'SECURE_COOKIES',
    'TZ',
    'PRE_SNAPSHOT_COMMAND',
    'POST_SNAPSHOT_COMMAND',
  );
  const picked: Record<string, string> = {};
  for (const key of known) {
    const value = env[key];
    // An empty variable means "not set": that is how env files express "use the default".
    if (value !== undefined && value.trim() !== '') picked[key] = value;
  }
  const vars = plainToInstance(EnvironmentVariables, picked, { exposeDefaultValues: true });
  const errors = validateSync(vars, { whitelist: true });
  if (errors.length > 0) {
    const lines = errors.map((e) => {
      const shown = SECRET_VARIABLES.includes(e.property) ? '(hidden)' : JSON.stringify(picked[e.property]);
      return `  ${e.property}=${shown}: ${[...new Set(Object.values(e.constraints ?? {}))].join('; ')}`;
    });
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const timeZone = vars.TZ ?? Intl.DateTimeFormat().resolvedOptions().timeZone ?? 'UTC';
  if (!isValidTimeZone(timeZone)) {
    throw new ConfigError(
      `Invalid configuration:\n  TZ=${JSON.stringify(timeZone)}: must be an IANA time zone such as Europe/Berlin or UTC`,
    );
  }
  if (vars.SESSION_IDLE_MINUTES > vars.SESSION_MAX_HOURS * 60) {
    throw new ConfigError(
      `Invalid configuration:\n  SESSION_IDLE_MINUTES=${vars.SESSION_IDLE_MINUTES}: must not be longer than SESSION_MAX_HOURS (${vars.SESSION_MAX_HOURS} hours)`,
    );
  }
  const dataDir = path.resolve(vars.DATA_DIR);
  return {
    host: vars.HOST,
    port: vars.PORT,
    dataDir,
    databasePath: path.join(dataDir, 'snapshot-panel.sqlite'),
    hcloudEndpoint: vars.HCLOUD_ENDPOINT.replace(/\/+$/, ''),
    metadataEndpoint: vars.HCLOUD_METADATA_ENDPOINT.replace(/\/+$/, ''),
    serverId: vars.HCLOUD_SERVER_ID ?? null,
    envToken: vars.HCLOUD_TOKEN ?? null,
    secretKey: vars.SECRET_KEY ?? null,
    healthToken: vars.HEALTH_TOKEN ?? null,
    metricsToken: vars.METRICS_TOKEN ?? null,
    smtpPassword: vars.SMTP_PASSWORD ?? null,
    secureCookies: vars.SECURE_COOKIES ?? null,
    trustProxy: vars.TRUST_PROXY,
    logLevel: vars.LOG_LEVEL,
    timeZone,
    preSnapshotCommand: vars.PRE_SNAPSHOT_COMMAND ?? null,
    postSnapshotCommand: vars.POST_SNAPSHOT_COMMAND ?? null,
    hookTimeoutMs: vars.SNAPSHOT_HOOK_TIMEOUT_SECONDS * 1000,
    scheduleSpreadMinutes: vars.SCHEDULE_SPREAD_MINUTES,
    passwordHashCost: vars.PASSWORD_HASH_COST,
    hcloudInteractiveDeadlineMs: 5_000,
    webhookAllowPrivateAddresses: vars.WEBHOOK_ALLOW_PRIVATE_ADDRESSES,
    sessionIdleMs: vars.SESSION_IDLE_MINUTES * 60_000,
    sessionMaxMs: vars.SESSION_MAX_HOURS * 3_600_000,
  };
}

export const APP_CONFIG = Symbol('APP_CONFIG');
