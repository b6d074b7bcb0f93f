/**
 * Property: whatever arrives, the handler answers a well-formed object with a 2xx or 4xx statusCode,
 * and a refused request appends nothing.
 */
import fc from 'fast-check';
import { type OperationInput, type OperationName, OPERATIONS as OPERATION_TABLE } from '../../src/handlers/operationTable';
import { type HandlerHarness, startHandlerHarness } from '../support/handlerHarness';

/** Every operation the handler knows, from its one table. */
const OPERATIONS = Object.keys(OPERATION_TABLE) as OperationName[];

/** One valid request per operation; typed by the table, so an operation added there must be added here. */
const validShapes: { [K in OperationName]: OperationInput<K> } = {
  find: {},
  poll: { executionId: 'exec-1', planId: 'rp-1' },
  finalize: { executionId: 'exec-1', planId: 'rp-1' },
  pause: { executionId: 'exec-1', planId: 'rp-1', requestedBy: 'ops' },
  resume: { executionId: 'exec-1', planId: 'rp-1' },
  cancel: { executionId: 'exec-1', planId: 'rp-1', reason: 'drill over' },
  decline: { executionId: 'exec-1', planId: 'rp-1', requestedBy: 'ops', comment: 'app tier not ready', ticket: 'CHG0012345' },
  retry_wave: { executionId: 'exec-1', planId: 'rp-1', waveNumber: 1, requestedBy: 'ops' },
  skip_wave: { executionId: 'exec-1', planId: 'rp-1', waveNumber: 1, requestedBy: 'ops', reason: 'app tier restored by hand' },
  wait_for_resume: { executionId: 'exec-1', planId: 'rp-1', taskToken: 'token' },
  attach_state_machine: {
    executionId: 'exec-1',
    planId: 'rp-1',
    executionArn: 'arn:aws:states:us-east-1:000000000000:execution:drs-ledger-drill:exec-1-g1',
    generation: 1,
  },
  start_execution: {
    planId: 'rp-1',
    executionType: 'DRILL',
    initiatedBy: 'ops@example.com',
    accountContext: { accountId: '123456789012', region: 'us-east-1', roleName: 'DRSOrchestrationRole' },
  },
  get_execution_details: { executionId: 'exec-1', queryParams: { planId: 'rp-1' } },
  preflight: { planId: 'rp-1', executionType: 'RECOVERY', recoverAsOf: '2026-12-01T10:00:00Z' },
};

const hostileValue = fc.oneof(
  fc.jsonValue(),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.constantFrom(
    'exec-1" OR "1"="1',
    '../../etc/passwd',
    '#seq = :seq',
    'attribute_not_exists(seq)',
    '${jndi:x}',
    '\u0000',
    'ＡＢＣ',
    '🙂',
  ),
  fc.integer(),
  fc.constant(null),
  fc.array(fc.string(), { maxLength: 3 }),
);

/** A valid event with one field dropped, retyped or replaced, or an extra field added. */
const nearMiss = fc
  .record({
    operation: fc.constantFrom(...OPERATIONS),
    mutation: fc.constantFrom('drop', 'replace', 'extra', 'operation'),
    pick: fc.nat(),
    value: hostileValue,
  })
  .map(({ operation, mutation, pick, value }) => {
    const event: Record<string, unknown> = { operation, ...validShapes[operation] };
    const keys = Object.keys(event);
    const key = keys[pick % keys.length] as string;
    if (mutation === 'drop') delete event[key];
    if (mutation === 'replace') event[key] = value;
    if (mutation === 'extra') event[`x${pick}`] = value;
    if (mutation === 'operation') event.operation = value;
    return event;
  });

describe('execution-handler under arbitrary input', () => {
  let harness: HandlerHarness;
  beforeAll(async () => {
    harness = await startHandlerHarness();
  });
  afterAll(() => harness.stop());

  const answersWellFormed = async (event: unknown) => {
    const response = await harness.call(event);
    expect(typeof response).toBe('object');
    expect(Number.isInteger(response.statusCode)).toBe(true);
    expect(response.statusCode < 300 || (response.statusCode >= 400 && response.statusCode < 500)).toBe(true);
    if (response.statusCode >= 400) {
      expect(typeof response.error).toBe('string');
      expect(typeof response.message).toBe('string');
    }
  };

  it('answers 2,500 arbitrary JSON values with a 2xx or 4xx', async () => {
    await fc.assert(fc.asyncProperty(fc.jsonValue(), answersWellFormed), { numRuns: 2500 });
    expect((await harness.countItems()).events).toBe(0);
  });

  it('answers 2,500 near-miss events with a 2xx or 4xx, appending nothing', async () => {
    await fc.assert(fc.asyncProperty(nearMiss, answersWellFormed), { numRuns: 2500 });
    expect(await harness.countItems()).toEqual({ events: 0, executions: 0, plans: 0, resumeTokens: 0 });
  });
});
