/** What every project shares (and the reliability suite's config builds on). */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  // The reliability suite has its own run: `npm run test:reliability` (jest.reliability.config.js).
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/reliability/'],
  transform: { '^.+\\.ts$': ['@swc/jest'] },
  setupFiles: ['<rootDir>/test/support/env.ts'],
  // Fails a test file on any emulator answer that broke AWS's model (and, in *.int/*.e2e files, any request refused for it).
  setupFilesAfterEnv: ['<rootDir>/test/support/modelCheckGuard.ts'],
};
