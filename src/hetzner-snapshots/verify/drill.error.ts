// The drill's own refusals and failures, with a code the page and the CLI branch on.
export type DrillErrorCode = 'unavailable' | 'not_found' | 'refused' | 'busy';

export class DrillError extends Error {
  constructor(
    readonly code: DrillErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'DrillError';
  }
}
