import { HcloudApiError } from '../hcloud';
import { describeLimitError, isLimitError, limitsOf, nearLimitWarning } from './limit.rules';

const limitError = (details: unknown) =>
  new HcloudApiError({
    status: 403,
    code: 'resource_limit_exceeded',
    message: 'project limit exceeded',
    details,
  });

describe('limit errors', () => {
  it.each([
    [limitError({}), true],
    [new HcloudApiError({ status: 429, code: 'rate_limit_exceeded', message: 'x' }), false],
    [new HcloudApiError({ status: 403, code: 'forbidden', message: 'x' }), false],
    [new Error('resource_limit_exceeded'), false],
  ])('isLimitError(%p) = %p', (err, expected) => {
    expect(isLimitError(err)).toBe(expected);
  });

  it.each([
    [{ limits: [{ name: 'project_limit' }] }, [{ name: 'project_limit', limit: null }]],
    [{ limits: [{ name: 'image_limit', limit: 20 }] }, [{ name: 'image_limit', limit: 20 }]],
    [{ limit: 5 }, [{ name: 'project_limit', limit: 5 }]],
    [undefined, []],
  ])('limitsOf(%p)', (details, expected) => {
    expect(limitsOf(limitError(details))).toEqual(expected);
  });

  it('names the limit and what to do, for snapshots and servers', () => {
    expect(describeLimitError(limitError({ limits: [{ name: 'image_limit', limit: 20 }] }), 'snapshot')).toBe(
      'The Hetzner project has reached its limit for snapshots (Hetzner: image_limit (20)). Delete snapshots you no longer need (the panel does not delete any to make room), or ask Hetzner support to raise the limit (Console → Limits). The panel does not retry this.',
    );
    expect(describeLimitError(limitError({}), 'server')).toContain('limit for servers');
  });
});

describe('nearLimitWarning', () => {
  it.each([
    [5, null, null, false],
    [3, 10, null, false],
    [9, 10, 'so 1 more fit', false],
    [10, 10, 'the next snapshot will likely be refused', true],
    [12, 10, 'the next snapshot will likely be refused', true],
  ])('%p snapshots, limit %p', (count, knownLimit, expected, refusedNext) => {
    const warning = nearLimitWarning({ count, knownLimit });
    if (expected === null) expect(warning).toBeNull();
    else expect(warning?.text).toContain(expected);
    expect(warning?.refusedNext ?? false).toBe(refusedNext);
  });
});
