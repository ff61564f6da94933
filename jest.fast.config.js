/**
 * `npm run test:fast`: the inner loop. Unit, contract (connectors against the simulators), activity
 * and pure-domain tests: no Temporal server, no PostgreSQL, no workflow bundle, so no global set-up
 * beyond quiet logs. `npm test` runs everything (jest.config.js).
 */
const base = require('./jest.config');

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  testMatch: [
    '<rootDir>/test/unit/**/*.test.ts',
    '<rootDir>/test/contract/**/*.test.ts',
    '<rootDir>/test/activity/**/*.test.ts',
  ],
  globalSetup: '<rootDir>/test/harness/fast-setup.ts',
  globalTeardown: undefined,
};
