// jest 30 + ts-jest in ESM mode. Unit tests are fast; tests under __tests__/e2e drive real
// processes (Prometheus, Chromium, the sandbox) and get a longer timeout.
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.test.json', diagnostics: { ignoreCodes: [151002] } }]
  },
  testMatch: ['<rootDir>/__tests__/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  modulePathIgnorePatterns: ['<rootDir>/dist/', '<rootDir>/.tools/'],
  testTimeout: 30000,
  // The end-to-end suites share one sandbox cluster; this stops it when the run ends.
  globalTeardown: '<rootDir>/__tests__/e2e/global-teardown.mjs',
  maxWorkers: 2
};
