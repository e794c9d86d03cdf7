import { LabelSelectorSyntaxError, matchesLabelSelector, parseLabelSelector } from './label-selector';

const labels = {
  'managed-by': 'snapshot-panel',
  'snapshot-panel/kind': 'auto',
  env: 'production',
  empty: '',
};

describe('label selector', () => {
  it.each([
    // equality
    ['env=production', true],
    ['env==production', true],
    ['env = production', true],
    ['env=staging', false],
    ['env==staging', false],
    ['empty=', true],
    ['snapshot-panel/kind=auto', true],
    ['snapshot-panel/kind==manual', false],
    // inequality: a missing key also does not equal
    ['env!=staging', true],
    ['env!=production', false],
    ['missing!=x', true],
    // existence
    ['env', true],
    ['missing', false],
    ['!missing', true],
    ['!env', false],
    ['! env', false],
    ['snapshot-panel/kind', true],
    // set membership
    ['env in (testing,staging)', false],
    ['env in (production,staging)', true],
    ['env in (staging, production)', true],
    ['env in(production)', true],
    ['missing in (a,b)', false],
    ['env notin (testing,staging)', true],
    ['env notin (production)', false],
    ['missing notin (a,b)', true],
    // comma means AND
    ['env=production,managed-by=snapshot-panel', true],
    ['env=production,type!=database', true],
    ['env=production,!missing', true],
    ['env=production,!env', false],
    ['managed-by==snapshot-panel,snapshot-panel/kind in (auto,manual),!missing', true],
    ['managed-by==snapshot-panel,snapshot-panel/kind notin (auto,manual)', false],
    ['env in (a,b),managed-by', false],
    // empty selector matches everything
    ['', true],
    ['   ', true],
  ])('%s → %s', (selector, expected) => {
    expect(matchesLabelSelector(parseLabelSelector(selector), labels)).toBe(expected);
  });

  it('parses every operator into a requirement', () => {
    expect(parseLabelSelector('a=1,b==2,c!=3,d,!e,f in (x,y),g notin (z)')).toEqual([
      { key: 'a', op: 'equals', value: '1' },
      { key: 'b', op: 'equals', value: '2' },
      { key: 'c', op: 'not_equals', value: '3' },
      { key: 'd', op: 'exists' },
      { key: 'e', op: 'not_exists' },
      { key: 'f', op: 'in', values: ['x', 'y'] },
      { key: 'g', op: 'notin', values: ['z'] },
    ]);
  });

  it.each([
    'a,,b',
    'a=b c',
    'env in (a,b',
    'env in a,b)',
    '-bad-',
    'env=-x',
    '!',
    'a b',
    'a===b',
    'UPPER.example/x=1',
  ])('rejects %p', (selector) => {
    expect(() => parseLabelSelector(selector)).toThrow(LabelSelectorSyntaxError);
  });
});
