/**
 * Jest's setupFilesAfterEnv: after each test file, no emulator answer or error may have broken AWS's
 * model (src/local/emulators/models), and in integration and end-to-end files no request our adapters
 * sent may have been refused for breaking it. A test that provokes either on purpose takes its own
 * records (modelChecks.takeViolations() / takeRefusals()) and asserts on them.
 */
import { modelChecks } from '../../src/local/emulators/models';
import type { CheckRecord } from '../../src/local/emulators/models';

/** Files whose requests come from the adapters, not from a test sending malformed ones on purpose. */
const ADAPTER_TRAFFIC = /\.(int|e2e)\.test\.ts$/;

const lines = (records: CheckRecord[]): string =>
  records.map((record) => `  ${record.service} ${record.operation} ${record.kind}: ${record.violations.join('; ')}`).join('\n');

afterAll(() => {
  const violations = modelChecks.takeViolations();
  const refusals = ADAPTER_TRAFFIC.test(expect.getState().testPath ?? '') ? modelChecks.takeRefusals() : [];
  const problems = [
    ...(violations.length > 0 ? [`emulator answers that break AWS's model:\n${lines(violations)}`] : []),
    ...(refusals.length > 0 ? [`requests refused for breaking AWS's model:\n${lines(refusals)}`] : []),
  ];
  if (problems.length > 0) throw new Error(problems.join('\n'));
});
