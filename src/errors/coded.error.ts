// The one base of the project's coded errors: callers, pages and tests branch on `code` (a closed union per
// error), never on the message, which is a sentence written for a person.

/** An error with a code from a closed list; `name` is the subclass's, so logs say which kind it was. */
export abstract class CodedError<Code extends string = string> extends Error {
  constructor(
    readonly code: Code,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}
