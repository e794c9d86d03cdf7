import { isValidLabelKey, isValidLabelValue } from './label-rules';

export type LabelRequirement =
  | { key: string; op: 'exists' }
  | { key: string; op: 'not_exists' }
  | { key: string; op: 'equals'; value: string }
  | { key: string; op: 'not_equals'; value: string }
  | { key: string; op: 'in'; values: string[] }
  | { key: string; op: 'notin'; values: string[] };

/** All requirements must hold (the selector's commas mean AND). */
export type LabelSelector = LabelRequirement[];

export class LabelSelectorSyntaxError extends Error {}

const SET_EXPRESSION = /^(\S+)\s+(in|notin)\s*\((.*)\)$/;
const EQUALITY_EXPRESSION = /^([^=!\s]+)\s*(==|=|!=)\s*(.*)$/;

export function parseLabelSelector(selector: string): LabelSelector {
  if (selector.trim() === '') return [];
  return splitTopLevel(selector).map(parseRequirement);
}

export function matchesLabelSelector(selector: LabelSelector, labels: Record<string, string>): boolean {
  return selector.every((requirement) => matchesRequirement(requirement, labels));
}

function matchesRequirement(requirement: LabelRequirement, labels: Record<string, string>): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, requirement.key);
  const value = has ? labels[requirement.key] : undefined;
  switch (requirement.op) {
    case 'exists':
      return has;
    case 'not_exists':
      return !has;
    case 'equals':
      return value === requirement.value;
    // Like Kubernetes selectors (which Hetzner's mirror): a missing key also "does not equal".
    case 'not_equals':
      return value !== requirement.value;
    case 'in':
      return has && requirement.values.includes(value as string);
    case 'notin':
      return !has || !requirement.values.includes(value as string);
  }
}

/** Splits on commas that are not inside an `in (...)` list. */
function splitTopLevel(selector: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of selector) {
    if (char === '(') depth++;
    if (char === ')') depth--;
    if (depth < 0) throw new LabelSelectorSyntaxError(`unbalanced ')' in '${selector}'`);
    if (char === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  if (depth !== 0) throw new LabelSelectorSyntaxError(`unbalanced '(' in '${selector}'`);
  parts.push(current);
  return parts.map((part) => part.trim());
}

function parseRequirement(expression: string): LabelRequirement {
  if (expression === '') throw new LabelSelectorSyntaxError('empty expression');

  if (expression.startsWith('!')) {
    return { key: checkedKey(expression.slice(1).trim()), op: 'not_exists' };
  }

  const set = SET_EXPRESSION.exec(expression);
  if (set) {
    const [, key, op, list] = set;
    const values = list.split(',').map((value) => checkedValue(value.trim()));
    return { key: checkedKey(key), op: op as 'in' | 'notin', values };
  }

  const equality = EQUALITY_EXPRESSION.exec(expression);
  if (equality) {
    const [, key, op, value] = equality;
    const requirement = op === '!=' ? 'not_equals' : 'equals';
    return { key: checkedKey(key), op: requirement, value: checkedValue(value.trim()) };
  }

  return { key: checkedKey(expression), op: 'exists' };
}

function checkedKey(key: string): string {
  if (!isValidLabelKey(key)) throw new LabelSelectorSyntaxError(`invalid label key '${key}'`);
  return key;
}

function checkedValue(value: string): string {
  if (!isValidLabelValue(value)) throw new LabelSelectorSyntaxError(`invalid label value '${value}'`);
  return value;
}
