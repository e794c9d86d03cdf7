import { CodedError } from '../../errors/coded.error';

/** Why a change to a snapshot (take, delete, protect, keep) did not happen. Callers branch on the code. */
export type SnapshotOperationErrorCode =
  /** No snapshot of this server with that id (it may exist, but belongs elsewhere). */
  | 'not_found'
  /** Delete protection is on. */
  | 'protected'
  /** A snapshot or another action is already running on this server (Hetzner's 423 locked, or one we started). */
  | 'in_progress'
  /** The request makes no sense for this snapshot (keeping a manual one, deleting one still being created). */
  | 'not_applicable'
  | 'no_token'
  | 'not_on_hetzner'
  /** Hetzner refused or could not be reached; the message says why, in words. */
  | 'hetzner';

export class SnapshotOperationError extends CodedError<SnapshotOperationErrorCode> {}
