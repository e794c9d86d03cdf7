import { ConfigError, loadConfig } from './app-config';

describe('loadConfig: a wrong secret variable is named, never quoted', () => {
  test.each([
    ['HCLOUD_TOKEN', 'h'.repeat(513)],
    ['SECRET_KEY', 'short'],
    ['HEALTH_TOKEN', 'not a token: it has spaces'],
    ['METRICS_TOKEN', 'metrics-too-short'],
    ['SMTP_PASSWORD', 'p'.repeat(501)],
  ])('%s', (name, value) => {
    let error: unknown;
    try {
      loadConfig({ TZ: 'UTC', [name]: value });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toContain(`${name}=(hidden): `);
    expect(message).not.toContain(value);
  });

  test('other variables are quoted, so the admin sees what was read', () => {
    expect(() => loadConfig({ TZ: 'UTC', PORT: 'eighty' })).toThrow('PORT="eighty": ');
  });
});
