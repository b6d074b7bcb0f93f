/** Tests are TypeScript, transformed by swc (types are checked separately by `tsc --noEmit`). */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest'] },
  setupFiles: ['<rootDir>/test/support/env.ts'],
  testTimeout: 60000,
};
