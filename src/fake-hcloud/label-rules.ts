// Label key and value rules from the API's "Labels" section.
const NAME_SEGMENT = /^[a-zA-Z0-9]([a-zA-Z0-9._-]{0,61}[a-zA-Z0-9])?$/;
const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const RESERVED_PREFIX = 'hetzner.cloud';

export function isValidLabelKey(key: string): boolean {
  const slash = key.indexOf('/');
  if (slash === -1) return NAME_SEGMENT.test(key);
  const prefix = key.slice(0, slash);
  const name = key.slice(slash + 1);
  return isDnsSubdomain(prefix) && NAME_SEGMENT.test(name);
}

export function isValidLabelValue(value: string): boolean {
  return value === '' || NAME_SEGMENT.test(value);
}

/** Whether a client may set this key; `hetzner.cloud/` is reserved for Hetzner itself. */
export function isUserLabelKey(key: string): boolean {
  return isValidLabelKey(key) && !key.startsWith(`${RESERVED_PREFIX}/`);
}

function isDnsSubdomain(prefix: string): boolean {
  return (
    prefix.length > 0 && prefix.length <= 253 && prefix.split('.').every((label) => DNS_LABEL.test(label))
  );
}
