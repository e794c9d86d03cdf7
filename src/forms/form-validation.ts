// Owns the turning of a submitted form (or CLI flags) into a validated DTO, with one message per wrong
// field, so every form in the panel re-renders with the values kept and the messages next to the fields.
import { ClassConstructor, plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';

export type FieldErrors = Record<string, string>;

export type FormResult<T> = { ok: true; value: T } | { ok: false; errors: FieldErrors; values: Record<string, unknown> };

/** Fields every form carries that are not part of its DTO. */
const TRANSPORT_FIELDS = new Set(['_csrf']);

export function validateForm<T extends object>(dto: ClassConstructor<T>, body: unknown): FormResult<T> {
  const raw: Record<string, unknown> = {};
  if (body && typeof body === 'object' && !Array.isArray(body)) {
    for (const [k, v] of Object.entries(body as Record<string, unknown>)) if (!TRANSPORT_FIELDS.has(k)) raw[k] = v;
  }
  const errors: FieldErrors = {};
  for (const [k, v] of Object.entries(raw)) {
    // A repeated field (?a=1&a=2) or a nested object is never what our forms send.
    if (v !== null && typeof v === 'object') errors[k] = 'must be a single value';
  }
  const instance = plainToInstance(dto, raw, { exposeDefaultValues: true });
  const problems = Object.keys(errors).length ? [] : validateSync(instance, { whitelist: true, forbidNonWhitelisted: true });
  for (const p of problems) collect(p, errors);
  if (Object.keys(errors).length > 0) return { ok: false, errors, values: displayValues(raw) };
  return { ok: true, value: instance };
}

function collect(e: ValidationError, into: FieldErrors, prefix = ''): void {
  const key = prefix + e.property;
  if (e.constraints) {
    const messages = Object.entries(e.constraints).map(([name, m]) => (name === 'whitelistValidation' ? 'is not a field of this form' : m));
    // The first constraint is usually the most basic one ("must not be empty"); show just that.
    into[key] ??= messages[0];
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
