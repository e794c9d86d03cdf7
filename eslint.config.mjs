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
);
