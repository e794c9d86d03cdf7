// What a snapshot description taken in the panel or the CLI may be, and the one used when none is given.

export const DESCRIPTION_MAX_LENGTH = 100;

/**
 * Any printable text: letters of every script, digits, spaces, punctuation, symbols. No control or
 * invisible formatting characters (line breaks, tabs, bidi overrides), which would garble the list here,
 * in the Hetzner Console and in a terminal.
 */
export const DESCRIPTION_PATTERN = /^[^\p{C}]*$/u;

export const DESCRIPTION_HINT = `Optional, up to ${DESCRIPTION_MAX_LENGTH} characters, e.g. "before upgrading PHP".`;
export const DESCRIPTION_TOO_LONG = `Use at most ${DESCRIPTION_MAX_LENGTH} characters.`;
export const DESCRIPTION_BAD_CHARACTERS =
  'Use letters, digits, spaces and punctuation only: no line breaks, tabs or invisible characters.';

/** "web-1 manual 2026-11-22T14:05:00Z", matching the scheduler's "<server> auto <time>". */
export function defaultDescription(serverName: string | null, serverId: number, now: Date): string {
  const time = now.toISOString().replace(/\.\d{3}Z$/, 'Z');
  return `${serverName ?? `server ${serverId}`} manual ${time}`.slice(0, DESCRIPTION_MAX_LENGTH);
}
