/**
 * Tests are TypeScript, transformed by swc (types are checked separately by `tsc --noEmit`). Three projects,
 * by file name: `*.int.test.ts` use dynalite, `*.e2e.test.ts` the whole local stack, every other
 * `*.test.ts` is a unit test (pure, or on the in-memory stores). `jest` runs all three; `npm run test:unit`,
 * `test:int` and `test:e2e` one each (`--selectProjects`).
 */
const shared = require('./jest.shared');

module.exports = {
  testTimeout: 60000,
  projects: [
    {
      ...shared,
      displayName: 'unit',
      testMatch: ['**/*.test.ts'],
      testPathIgnorePatterns: [...shared.testPathIgnorePatterns, '\\.int\\.test\\.ts$', '\\.e2e\\.test\\.ts$'],
    },
    { ...shared, displayName: 'int', testMatch: ['**/*.int.test.ts'] },
    { ...shared, displayName: 'e2e', testMatch: ['**/*.e2e.test.ts'] },
  ],
};
