// Three projects: fast unit tests next to the code, e2e tests that boot the real app against the fake
// Hetzner API, and the long fault campaign (short form in CI, long form via `npm run test:faults`).
const ESM_ONLY_PACKAGES = [
  '@nestjs',
  '@borewit',
  '@standard-schema',
  '@tokenizer',
  'ansis',
  'fdir',
  'file-type',
  'get-east-asian-width',
  'libphonenumber-js',
  'strtok3',
  'tinyglobby',
  'token-types',
  'uint8array-extras',
];
const common = {
  testEnvironment: 'node',
  moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }],
    '^.+/node_modules/.+\\.m?js$': '<rootDir>/test/jest/esm-packages.transform.js',
  },
  transformIgnorePatterns: [`/node_modules/(?!(${ESM_ONLY_PACKAGES.join('|')})/)`],
};
module.exports = {
  // Jest reads testTimeout per run, not per project: e2e tests boot the app and talk HTTP.
  testTimeout: 60000,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/src/**/*.spec.ts'] },
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'] },
    {
      ...common,
      displayName: 'faults',
      testMatch: ['<rootDir>/test/**/*.faults-spec.ts'],
      testTimeout: 600000,
    },
  ],
};
