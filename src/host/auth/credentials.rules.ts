// What a new admin's name and any new password must be, as plain functions: the setup page, the account page
// and `snapshot-panel admin` all go through them, so the rules cannot differ between them.
import { AuthError } from './auth.error';
import { USERNAME_MESSAGE, USERNAME_RULE } from './credentials.dto';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from './password.hasher';

/** The trimmed name of a new admin, once the name and the password pass; AuthError otherwise. */
export function newAdminName(username: string, password: string): string {
  const name = username.trim();
  if (!USERNAME_RULE.test(name)) throw new AuthError('bad-username', `Invalid username. ${USERNAME_MESSAGE}`);
  assertPasswordStrength(password);
  return name;
}

export function assertPasswordStrength(password: string): void {
  if (password.length < PASSWORD_MIN_LENGTH)
    throw new AuthError(
      'weak-password',
      `The password must have at least ${PASSWORD_MIN_LENGTH} characters.`,
    );
  if (password.length > PASSWORD_MAX_LENGTH)
    throw new AuthError('weak-password', `The password must have at most ${PASSWORD_MAX_LENGTH} characters.`);
}
