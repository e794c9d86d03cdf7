import type { HcloudServer } from '../hcloud';
import {
  describeTokenCheck,
  lastFour,
  maskToken,
  TokenCheckOutcome,
  tokenCheckLabel,
} from './token-check.wording';

const server = { id: 42, name: 'web-1' } as HcloudServer;

describe('describeTokenCheck', () => {
  const outcomes: TokenCheckOutcome[] = [
    { kind: 'read_write', server },
    { kind: 'read_only', server },
    { kind: 'unauthorized' },
    { kind: 'wrong_project' },
    { kind: 'unreachable', reason: 'Could not reach the Hetzner Cloud API (ECONNREFUSED).' },
    { kind: 'not_on_hetzner', reason: 'set HCLOUD_SERVER_ID to this server id' },
    { kind: 'no_token' },
    { kind: 'undecryptable', reason: 'The stored API token cannot be decrypted.' },
  ];

  it('gives every outcome its own sentence', () => {
    const sentences = outcomes.map((o) => describeTokenCheck(o, 42));
    expect(new Set(sentences).size).toBe(outcomes.length);
  });

  it.each([
    [{ kind: 'read_write', server }, 'it sees this server (web-1, id 42)'],
    [
      { kind: 'read_only', server },
      'Create a Read & Write token in the Hetzner Console under Security → API Tokens',
    ],
    [{ kind: 'unauthorized' }, 'Hetzner does not know this token'],
    [
      { kind: 'wrong_project' },
      'This token belongs to another project: server 42 (the one this panel runs on) is not in it',
    ],
    [
      { kind: 'unreachable', reason: 'Could not reach the Hetzner Cloud API (ECONNREFUSED).' },
      'The token could not be checked. Could not reach the Hetzner Cloud API (ECONNREFUSED).',
    ],
    [
      { kind: 'not_on_hetzner', reason: 'set HCLOUD_SERVER_ID' },
      'does not know which server it runs on: set HCLOUD_SERVER_ID',
    ],
  ] as [TokenCheckOutcome, string][])('%j', (outcome, text) => {
    expect(describeTokenCheck(outcome, 42)).toContain(text);
  });

  it('says "this server" when the id is unknown', () => {
    expect(describeTokenCheck({ kind: 'wrong_project' }, null)).toContain(
      'this server (the one this panel runs on)',
    );
  });
});

describe('masking', () => {
  it('shows at most the last four characters, and fewer of a short token', () => {
    expect(maskToken(lastFour('a'.repeat(60) + 'wxyz'))).toBe('••••••••wxyz');
    expect(lastFour('short1234')).toBe('34');
    expect(lastFour('abc')).toBe('');
    expect(maskToken(null)).toBe('••••••••');
  });

  it('labels stored check results', () => {
    expect(tokenCheckLabel('read_write')).toEqual({ text: 'Read & Write', badge: 'ok' });
    expect(tokenCheckLabel('read_only').badge).toBe('danger');
    expect(tokenCheckLabel(null)).toEqual({ text: 'not checked yet', badge: 'muted' });
  });
});
