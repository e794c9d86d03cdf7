// Three projects: fast unit tests next to the code, e2e tests that boot the real app against the fake
// Hetzner API, and the long fault campaign (short form in CI, long form via `npm run test:faults`).
const tsJest = ['ts-jest', { isolatedModules: true, tsconfig: 'tsconfig.json' }];
const common = { transform: { '^.+\\.ts$': tsJest }, testEnvironment: 'node', moduleFileExtensions: ['ts', 'js', 'json'] };
module.exports = {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/src/**/*.spec.ts'] },
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'], testTimeout: 60000 },
    { ...common, displayName: 'faults', testMatch: ['<rootDir>/test/**/*.faults-spec.ts'], testTimeout: 600000 },
  ],
};
