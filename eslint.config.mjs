import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'data/**',
      'coverage/**',
      'public/**',
      'jest.config.js',
      'vendor/**',
      'test/jest/**',
      '.toolchain/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // process.env is read in exactly one place: the validated config.
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Use AppConfig.' },
      ],
    },
  },
  {
    files: ['src/config/**', 'test/**', 'bench/**', '**/*.spec.ts', 'cli.ts'],
    rules: { 'no-restricted-properties': 'off' },
  },
  {
    // The panel speaks HTTP through node:http (src/hetzner-snapshots/hcloud/http-exchange.ts): Node's fetch,
    // once used, holds about 25 MB of the serving process for as long as it runs (npm run bench, memory).
    files: ['src/**/*.ts', 'cli.ts'],
    ignores: ['**/*.spec.ts', '**/*.spec-helpers.ts', '**/*.testing.ts'],
    rules: {
      'no-restricted-globals': [
        'error',
        ...['fetch', 'Headers', 'Request', 'Response', 'WebSocket'].map((name) => ({
          name,
          message:
            'Use httpExchange (src/hetzner-snapshots/hcloud/http-exchange.ts): fetch costs serve ~25 MB.',
        })),
      ],
    },
  },
);
