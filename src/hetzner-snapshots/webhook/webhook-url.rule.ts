// Which URLs a webhook channel may have: http(s) only, no user name or password in it, no characters a URL
// never holds unescaped, at most 2000 characters. Pure; which addresses it may reach is webhook-address.rule.

export const WEBHOOK_URL_MAX_LENGTH = 2000;

/** http(s) only, no user name or password in it, no characters a URL never contains unescaped. */
export function webhookUrlProblem(value: unknown): string | null {
  const example = 'Enter a full http:// or https:// address, e.g. https://example.com/hooks/snapshots.';
  if (typeof value !== 'string') return example;
  if (value.length > WEBHOOK_URL_MAX_LENGTH)
    return `A webhook address has at most ${WEBHOOK_URL_MAX_LENGTH} characters.`;
  if (/[\s<>"'`{}|\\^]/.test(value))
    return `That is not a web address: it contains spaces or characters such as < > " that an address cannot hold. ${example}`;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return example;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return example;
  if (url.username || url.password)
    return 'Leave the user name and password out of the address; use a URL the receiver accepts without them.';
  return null;
}
