// Checks on query strings and JSON bodies that end in 422 invalid_input with details.fields.
import { FakeApiError, FieldError, invalidInput } from './fake-hcloud.errors';
import { isUserLabelKey, isValidLabelValue } from './label-rules';
import { LabelSelector, LabelSelectorSyntaxError, parseLabelSelector } from './label-selector';

export type JsonObject = Record<string, unknown>;

/** Collects every bad field of a request before answering, as the API names all of them. */
export class FieldErrors {
  private readonly errors: FieldError[] = [];

  add(name: string, message: string): void {
    const existing = this.errors.find((error) => error.name === name);
    if (existing) existing.messages.push(message);
    else this.errors.push({ name, messages: [message] });
  }

  /** The API's 422 invalid_input naming every bad field, or null when there is none. */
  toError(): FakeApiError | null {
    return this.errors.length > 0 ? invalidInput(this.errors) : null;
  }

  throwIfAny(): void {
    const error = this.toError();
    if (error) throw error;
  }
}

/** A missing body counts as `{}`: the action endpoints with only optional fields accept that. */
export function bodyObject(body: unknown): JsonObject {
  if (body === undefined) return {};
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw invalidInput([{ name: 'body', messages: ['must be a JSON object'] }]);
  }
  return body as JsonObject;
}

export function optionalString(body: JsonObject, field: string, errors: FieldErrors): string | undefined {
  const value = body[field];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') errors.add(field, 'must be a string');
  return typeof value === 'string' ? value : undefined;
}

export function optionalBoolean(body: JsonObject, field: string, errors: FieldErrors): boolean | undefined {
  const value = body[field];
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') errors.add(field, 'must be a boolean');
  return typeof value === 'boolean' ? value : undefined;
}

export function optionalEnum<T extends string>(
  body: JsonObject,
  field: string,
  allowed: readonly T[],
  errors: FieldErrors,
): T | undefined {
  const value = body[field];
  if (value === undefined) return undefined;
  if (!allowed.includes(value as T)) {
    errors.add(field, `must be one of ${allowed.join(', ')}`);
    return undefined;
  }
  return value as T;
}

export function optionalLabels(
  body: JsonObject,
  field: string,
  errors: FieldErrors,
): Record<string, string> | undefined {
  const value = body[field];
  if (value === undefined) return undefined;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    errors.add(field, 'must be an object of strings');
    return undefined;
  }
  const labels: Record<string, string> = {};
  for (const [key, labelValue] of Object.entries(value)) {
    if (!isUserLabelKey(key)) errors.add(field, `invalid label key '${key}'`);
    else if (typeof labelValue !== 'string' || !isValidLabelValue(labelValue)) {
      errors.add(field, `invalid label value for key '${key}'`);
    } else labels[key] = labelValue;
  }
  return labels;
}

export function queryEnumList<T extends string>(
  query: URLSearchParams,
  name: string,
  allowed: readonly T[],
  errors: FieldErrors,
): T[] {
  const values = query.getAll(name);
  for (const value of values) {
    if (!allowed.includes(value as T)) errors.add(name, `'${value}' is not one of ${allowed.join(', ')}`);
  }
  return values as T[];
}

export function queryIntList(query: URLSearchParams, name: string, errors: FieldErrors): number[] {
  return query.getAll(name).map((value) => {
    if (!/^\d+$/.test(value)) errors.add(name, `'${value}' is not an integer`);
    return Number(value);
  });
}

export function queryPositiveInt(
  query: URLSearchParams,
  name: string,
  fallback: number,
  errors: FieldErrors,
): number {
  const value = query.get(name);
  if (value === null || value === '') return fallback;
  if (!/^\d+$/.test(value) || Number(value) < 1) {
    errors.add(name, 'must be a positive integer');
    return fallback;
  }
  return Number(value);
}

export function queryBoolean(query: URLSearchParams, name: string, errors: FieldErrors): boolean | undefined {
  const value = query.get(name);
  if (value === null) return undefined;
  if (value !== 'true' && value !== 'false') {
    errors.add(name, 'must be true or false');
    return undefined;
  }
  return value === 'true';
}

export function queryLabelSelector(query: URLSearchParams, errors: FieldErrors): LabelSelector | undefined {
  const raw = query.get('label_selector');
  if (raw === null) return undefined;
  try {
    return parseLabelSelector(raw);
  } catch (error) {
    if (!(error instanceof LabelSelectorSyntaxError)) throw error;
    errors.add('label_selector', error.message);
    return undefined;
  }
}
