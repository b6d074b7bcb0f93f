/**
 * The contract's error examples (../shared/spec/execution-handler-operations.md, "Error Responses"),
 * and the input validation around them: each refused request answers a 4xx with an error code and a
 * message, and writes nothing.
 */
import { type HandlerHarness, startHandlerHarness } from '../support/handlerHarness';

const SPEC_SUPPORTED = ['find', 'poll', 'finalize', 'pause', 'resume', 'start_execution', 'get_execution_details'];

describe('execution-handler error contract', () => {
  let harness: HandlerHarness;
  beforeAll(async () => {
    harness = await startHandlerHarness();
  });
  afterAll(() => harness.stop());
  afterEach(async () => {
    expect(await harness.countItems()).toEqual({ events: 0, executions: 0, plans: 0, resumeTokens: 0 });
  });

  it('answers an unknown operation with UNKNOWN_OPERATION and the supported operations', async () => {
    const response = await harness.call({ operation: 'invalid_operation' });
    expect(response).toMatchObject({
      statusCode: 400,
      error: 'UNKNOWN_OPERATION',
      message: 'Unknown operation: invalid_operation',
      supportedOperations: SPEC_SUPPORTED,
    });
  });

  it('answers a poll without ids with MISSING_PARAMETERS naming both', async () => {
    expect(await harness.call({ operation: 'poll' })).toEqual({
      statusCode: 400,
      error: 'MISSING_PARAMETERS',
      message: 'Missing required parameters: executionId, planId',
      missingParameters: ['executionId', 'planId'],
    });
  });

  it.each([
    ['finalize', { executionId: 'exec-1' }, 'planId'],
    ['pause', { planId: 'rp-1' }, 'executionId'],
    ['resume', {}, 'executionId, planId'],
    ['start_execution', { planId: 'rp-1' }, 'executionType, initiatedBy'],
    ['get_execution_details', { queryParams: { planId: 'rp-1' } }, 'executionId'],
  ])('answers %s missing fields with MISSING_PARAMETERS', async (operation, fields, missing) => {
    const response = await harness.call({ operation, ...fields });
    expect(response).toMatchObject({ statusCode: 400, error: 'MISSING_PARAMETERS', message: `Missing required parameters: ${missing}` });
  });

  it('answers an unknown execution with EXECUTION_NOT_FOUND', async () => {
    expect(await harness.call({ operation: 'get_execution_details', executionId: 'exec-nonexistent' })).toEqual({
      statusCode: 404,
      error: 'EXECUTION_NOT_FOUND',
      message: 'Execution not found: exec-nonexistent',
    });
    for (const operation of ['poll', 'finalize', 'pause', 'resume', 'cancel']) {
      expect(await harness.call({ operation, executionId: 'exec-nonexistent', planId: 'rp-456' })).toMatchObject({
        statusCode: 404,
        error: 'EXECUTION_NOT_FOUND',
      });
    }
  });

  it('answers a start for a plan that does not exist with PLAN_NOT_FOUND', async () => {
    const response = await harness.call({
      operation: 'start_execution',
      planId: 'rp-missing',
      executionType: 'DRILL',
      initiatedBy: 'a@b.c',
    });
    expect(response).toMatchObject({ statusCode: 404, error: 'PLAN_NOT_FOUND', message: 'Recovery plan not found: rp-missing' });
  });

  it.each([
    [null, 'INVALID_EVENT'],
    ['find', 'INVALID_EVENT'],
    [[{ operation: 'find' }], 'INVALID_EVENT'],
    [42, 'INVALID_EVENT'],
    [{}, 'MISSING_PARAMETERS'],
    [{ operation: 7 }, 'INVALID_PARAMETERS'],
  ])('refuses the event %p with %s', async (event, error) => {
    const response = await harness.call(event);
    expect(response.statusCode).toBe(400);
    expect(response.error).toBe(error);
    expect(typeof response.message).toBe('string');
  });

  it.each([
    [{ operation: 'poll', executionId: 12, planId: 'rp-1' }, 'executionId must be a string'],
    [{ operation: 'poll', executionId: '', planId: 'rp-1' }, 'executionId must not be empty'],
    [{ operation: 'poll', executionId: 'x'.repeat(129), planId: 'rp-1' }, 'executionId must be at most 128 characters'],
    [{ operation: 'poll', executionId: 'exec-1" OR "1"="1', planId: 'rp-1' }, 'executionId must contain only'],
    [{ operation: 'pause', executionId: '../../etc', planId: 'rp-1' }, 'executionId must contain only'],
    [
      { operation: 'start_execution', planId: 'rp-1', executionType: 'TEST', initiatedBy: 'a' },
      'executionType must be one of DRILL, RECOVERY',
    ],
    [{ operation: 'start_execution', planId: 'rp-1', executionType: 'DRILL', initiatedBy: '   ' }, 'initiatedBy must not be empty'],
    [
      {
        operation: 'start_execution',
        planId: 'rp-1',
        executionType: 'DRILL',
        initiatedBy: 'a',
        accountContext: { accountId: '12', region: 'us-east-1', roleName: 'R' },
      },
      'accountContext.accountId must be 12 digits',
    ],
    [
      { operation: 'start_execution', planId: 'rp-1', executionType: 'DRILL', initiatedBy: 'a', accountContext: 'x' },
      'accountContext must be an object',
    ],
    [{ operation: 'get_execution_details', executionId: 'exec-1', queryParams: [] }, 'queryParams must be an object'],
    // Names the drivers use, and ARNs (which only the operator API verifies), are nobody's to type.
    [{ operation: 'start_execution', planId: 'rp-1', executionType: 'DRILL', initiatedBy: 'system' }, 'initiatedBy "system" is reserved'],
    [{ operation: 'cancel', executionId: 'exec-1', planId: 'rp-1', requestedBy: ' System ' }, 'requestedBy "System" is reserved'],
    [{ operation: 'pause', executionId: 'exec-1', planId: 'rp-1', requestedBy: 'find' }, 'requestedBy "find" is reserved'],
    [
      { operation: 'resume', executionId: 'exec-1', planId: 'rp-1', requestedBy: 'arn:aws:iam::123456789012:user/bob' },
      'requestedBy must not be an ARN',
    ],
    [
      { operation: 'decline', executionId: 'exec-1', planId: 'rp-1', comment: 'line\nbreak' },
      'comment must not contain control characters',
    ],
    [{ operation: 'resume', executionId: 'exec-1', planId: 'rp-1', comment: 'ok', ticket: 'CHG 1; rm' }, 'ticket must be 1-128 characters'],
    // Free text ends up in terminals and reports: no control character, line break or bidi control, named where found.
    [
      { operation: 'start_execution', planId: 'rp-1', executionType: 'DRILL', initiatedBy: 'dr-lead\u001b[2J@corp' },
      'initiatedBy must not contain control characters, line breaks or bidirectional-text controls (found U+001B at character 8)',
    ],
    [
      { operation: 'start_execution', planId: 'rp-1', executionType: 'DRILL', initiatedBy: 'dr-lead\u2028@corp' },
      'initiatedBy must not contain control characters, line breaks or bidirectional-text controls (found U+2028 at character 8)',
    ],
    [
      { operation: 'pause', executionId: 'exec-1', planId: 'rp-1', requestedBy: 'auditor\u202E@corp' },
      'requestedBy must not contain control characters, line breaks or bidirectional-text controls (found U+202E at character 8)',
    ],
    [
      { operation: 'resume', executionId: 'exec-1', planId: 'rp-1', requestedBy: 'ops\u0085' },
      'requestedBy must not contain control characters, line breaks or bidirectional-text controls (found U+0085 at character 4)',
    ],
    [
      { operation: 'cancel', executionId: 'exec-1', planId: 'rp-1', requestedBy: 'ops', reason: 'closed\n\n## Verification PASSED' },
      'reason must not contain control characters, line breaks or bidirectional-text controls (found U+000A at character 7)',
    ],
    [
      { operation: 'cancel', executionId: 'exec-1', planId: 'rp-1', requestedBy: 'ops', reason: 'bell\u0007' },
      'reason must not contain control characters, line breaks or bidirectional-text controls (found U+0007 at character 5)',
    ],
    [
      {
        operation: 'attach_state_machine',
        executionId: 'exec-1',
        planId: 'rp-1',
        executionArn: 'arn:aws:states:us-east-1:123456789012:execution:sm:run\n1',
        generation: 2,
      },
      'executionArn must not contain control characters, line breaks or bidirectional-text controls (found U+000A',
    ],
  ])('refuses bad parameters %p with INVALID_PARAMETERS', async (event, message) => {
    const response = await harness.call(event);
    expect(response).toMatchObject({ statusCode: 400, error: 'INVALID_PARAMETERS' });
    expect(response.message).toContain(message);
  });

  it('refuses a cross-account role other than the configured one', async () => {
    const response = await harness.call({
      operation: 'start_execution',
      planId: 'rp-1',
      executionType: 'DRILL',
      initiatedBy: 'a',
      accountContext: { accountId: '123456789012', region: 'us-east-1', roleName: 'AdministratorAccess' },
    });
    expect(response).toMatchObject({
      statusCode: 400,
      error: 'INVALID_PARAMETERS',
      message: 'accountContext.roleName must be DRSOrchestrationRole',
    });
  });

  it('refuses an event over 256 KB with PAYLOAD_TOO_LARGE', async () => {
    const response = await harness.call({ operation: 'find', padding: 'x'.repeat(300 * 1024) });
    expect(response).toMatchObject({ statusCode: 413, error: 'PAYLOAD_TOO_LARGE' });
  });

  it('never puts a stack trace in an answer', async () => {
    const response = await harness.call({ operation: 'poll', executionId: { toString: 'x' }, planId: 'rp-1' });
    expect(JSON.stringify(response)).not.toMatch(/\bat .*\.(ts|js):\d+/);
  });
});
