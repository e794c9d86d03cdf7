import { endpointClass, isMetricsBearer, statusClass } from './metrics.rules';

describe('endpointClass', () => {
  it.each([
    ['/servers/42/actions/create_image', 'create_image'],
    ['/servers/42/actions/rebuild', 'server_actions'],
    ['/servers/42', 'servers'],
    ['/servers?name=x', 'servers'],
    ['/images?type=snapshot&label_selector=a%3Db&page=2', 'images'],
    ['/images/77', 'images'],
    ['/images/77/actions/change_protection', 'images'],
    ['/actions/9001', 'actions'],
    ['/pricing', 'pricing'],
    ['/locations', 'other'],
  ])('%s → %s', (path, expected) => {
    expect(endpointClass(path)).toBe(expected);
  });
});

describe('statusClass', () => {
  it.each([
    [200, '2xx'],
    [429, '4xx'],
    [503, '5xx'],
    ['timeout', 'timeout'],
    ['network-error', 'network-error'],
  ] as const)('%s → %s', (status, expected) => {
    expect(statusClass(status)).toBe(expected);
  });
});

describe('isMetricsBearer', () => {
  const token = 'm'.repeat(40);
  it.each([
    [`Bearer ${token}`, true],
    [`bearer ${token}`, true],
    [`Bearer ${token}x`, false],
    [`Bearer ${'m'.repeat(39)}`, false],
    [token, false],
    ['Basic bWV0cmljczp4', false],
    [undefined, false],
    ['', false],
  ])('%s → %s', (header, expected) => {
    expect(isMetricsBearer(header, token)).toBe(expected);
  });
});
