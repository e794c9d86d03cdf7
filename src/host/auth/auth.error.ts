import { CodedError } from '../../errors/coded.error';

/** What can go wrong with admins and sign-in; the controllers and commands turn codes into pages and exit statuses. */
export type AuthErrorCode =
  | 'invalid-credentials'
  | 'invalid-code'
  | 'throttled'
  | 'username-taken'
  | 'no-such-admin'
  | 'last-admin'
  | 'weak-password'
  | 'bad-username'
  | 'bad-setup-code'
  | 'setup-done'
  | 'pending-expired'
  | 'two-factor-off'
  | 'two-factor-on';

export class AuthError extends CodedError<AuthErrorCode> {}
