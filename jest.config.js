// Three projects: fast unit tests next to the code, e2e tests that boot the real app against the fake
// Hetzner API, and the long fault campaign (short form in CI, long form via `npm run test:faults`).
// NestJS 12 ships as ES modules only. Jest loads them through Node's require(esm) when Node runs with
// --experimental-vm-modules (set by the npm test scripts; Node >= 22.12), so nothing is transpiled.
const common = {
  testEnvironment: 'node',
  moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }],
  },
};
module.exports = {
  // Jest reads testTimeout per run, not per project: e2e tests boot the app and talk HTTP.
  testTimeout: 60000,
  // Two workers on two cores: the long files (browser journeys, the kill test) wait on child processes.
  maxWorkers: 2,
  reporters: ['default', '<rootDir>/test/jest/missing-tools.reporter.js'],
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
