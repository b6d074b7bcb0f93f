/** Tests are TypeScript, transformed by swc (types are checked separately by `tsc --noEmit`). */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // The reliability suite has its own run: `npm run test:reliability` (jest.reliability.config.js).
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/reliability/'],
  transform: { '^.+\\.ts$': ['@swc/jest'] },
  setupFiles: ['<rootDir>/test/support/env.ts'],
  // Fails a test file on any emulator answer that broke AWS's model (and, in *.int/*.e2e files, any request refused for it).
  setupFilesAfterEnv: ['<rootDir>/test/support/modelCheckGuard.ts'],
  testTimeout: 60000,
};
