/**
 * `npm run test:reliability`: the reliability suite (concurrency, wire faults, crashes, bad input, projector
 * poison, security) against the local stack, ending with one table of figures. Plain `npm test` skips it.
 */
const shared = require('./jest.shared');

module.exports = {
  ...shared,
  roots: ['<rootDir>/test/reliability'],
  testPathIgnorePatterns: ['/node_modules/'],
  testTimeout: 180_000,
  reporters: ['default', '<rootDir>/test/reliability/support/closingTable.js'],
};
