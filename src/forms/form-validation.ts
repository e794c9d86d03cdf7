// Owns the turning of a submitted form (or CLI flags) into a validated DTO, with one message per wrong
// field, so every form in the panel re-renders with the values kept and the messages next to the fields.
import { ClassConstructor, plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';

export type FieldErrors = Record<string, string>;

/** Key of the message about the form as a whole (fields it does not have), shown by the layouts. */
export const FORM_ERROR = '_form';

export type FormResult<T> =
  { ok: true; value: T } | { ok: false; errors: FieldErrors; values: Record<string, unknown> };

/** For `@Transform(trimmed)`: a submitted text without the spaces around it; anything else as it came. */
export const trimmed = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' ? value.trim() : value;

/** Fields every form carries that are not part of its DTO. */
const TRANSPORT_FIELDS = new Set(['_csrf']);

export function validateForm<T extends object>(dto: ClassConstructor<T>, body: unknown): FormResult<T> {
  const raw: Record<string, unknown> = {};
  if (body && typeof body === 'object' && !Array.isArray(body)) {
    for (const [k, v] of Object.entries(body as Record<string, unknown>))
      if (!TRANSPORT_FIELDS.has(k)) raw[k] = v;
  }
  const errors: FieldErrors = {};
  for (const [k, v] of Object.entries(raw)) {
    // A repeated field (?a=1&a=2) or a nested object is never what our forms send.
    if (v !== null && typeof v === 'object') errors[k] = 'must be a single value';
  }
  const instance = plainToInstance(dto, raw, { exposeDefaultValues: true });
  const problems = Object.keys(errors).length
    ? []
    : validateSync(instance, { whitelist: true, forbidNonWhitelisted: true });
  for (const p of problems) collect(p, errors);
  if (Object.keys(errors).length > 0) return { ok: false, errors, values: displayValues(raw) };
  return { ok: true, value: instance };
}

/**
 * Which failed rule speaks first. class-validator lists the decorator nearest the property first, which is
 * right for a value that is text, but made a missing field of `@IsNotEmpty() @MaxLength()` say "too long".
 * Empty or missing: "enter something", then "at least N characters", then the rest, "too long" last.
 * Not text at all (a number or boolean sent as JSON): the type rule first. Rules not named keep their order,
 * and a rule without a message of its own (class-validator's "username must be a string") comes after every
 * rule that has one, whatever its rank: those defaults are written for developers, not for the admin.
 */
const EMPTY_FIELD_RANK: Record<string, number> = { isDefined: 0, isNotEmpty: 1, minLength: 2, maxLength: 4 };
const EMPTY_FIELD_OTHERS = 3;
const WRONG_TYPE_RANK: Record<string, number> = { isString: 0, isInt: 0, isNumber: 0, isBoolean: 0 };
const WRONG_TYPE_OTHERS = 1;

function isMissing(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}

function rankOf(value: unknown): (rule: string) => number {
  if (isMissing(value)) return (rule) => EMPTY_FIELD_RANK[rule] ?? EMPTY_FIELD_OTHERS;
  if (typeof value !== 'string') return (rule) => WRONG_TYPE_RANK[rule] ?? WRONG_TYPE_OTHERS;
  return () => 0;
}

function collect(e: ValidationError, into: FieldErrors, prefix = ''): void {
  const key = prefix + e.property;
  const failed = Object.entries(e.constraints ?? {});
  if (failed.length > 0) {
    const rank = rankOf(e.value);
    const isDefault = (message: string) => (message.startsWith(`${e.property} `) ? 1 : 0);
    // Array sort is stable: rules of equal rank keep class-validator's order. One message per field.
    const [rule, message] = [...failed].sort(
      ([a, ma], [b, mb]) => isDefault(ma) - isDefault(mb) || rank(a) - rank(b),
    )[0];
    into[key] ??= rule === 'whitelistValidation' ? 'is not a field of this form' : message;
    // A field the form does not have has no place on the page; the layout shows FORM_ERROR above the form.
    if (rule === 'whitelistValidation')
      into[FORM_ERROR] =
        `${into[FORM_ERROR] ? `${into[FORM_ERROR]} ` : ''}"${key.slice(0, 40)}" is not a field of this form.`;
  }
  for (const child of e.children ?? []) collect(child, into, `${key}.`);
}

/** Values to put back into the form: strings only, and never a password or token. */
function displayValues(raw: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (/password|token|secret/i.test(k)) continue;
    out[k] = typeof v === 'string' ? v : '';
  }
  return out;
}
