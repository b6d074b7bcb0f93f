import { InvokeCommand } from '@aws-sdk/client-lambda';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OperationResponse } from '../../src/operations/responses';
import { QUICK_TIMINGS } from '../../src/local/emulators/drs';
import { FUNCTION_NAME, type LocalStack, type LocalStackOptions, startLocalStack } from '../../src/local/stack';

export const tempDataDir = (): string => mkdtempSync(join(tmpdir(), 'drs-ledger-test-'));

/**
 * The local stack on free ports in a fresh folder, fast: DRS and the state machine's waits sped up, and DRS's
 * launches taking seconds instead of minutes (QUICK_TIMINGS): what these tests check does not depend on DRS's pace.
 */
export const startTestStack = async (options: Partial<LocalStackOptions> = {}): Promise<LocalStack> => {
  const stack = await startLocalStack({
    dataDir: tempDataDir(),
    lambdaPort: 0,
    speed: 100,
    findIntervalMs: false,
    digestIntervalMs: false,
    ...options,
  });
  stack.drs.setTimings(QUICK_TIMINGS);
  return stack;
};

/** Invokes the execution-handler through the Lambda endpoint with the real LambdaClient. */
export const invoke = async (stack: LocalStack, payload: Record<string, unknown>): Promise<OperationResponse> => {
  const output = await stack.lambdaClient.send(
    new InvokeCommand({ FunctionName: FUNCTION_NAME, Payload: Buffer.from(JSON.stringify(payload)) }),
  );
  if (output.FunctionError) throw new Error(`execution-handler failed: ${Buffer.from(output.Payload ?? []).toString()}`);
  return JSON.parse(Buffer.from(output.Payload ?? []).toString('utf8')) as OperationResponse;
};

/** Asks get_execution_details until `done` holds (at most `timeoutMs`). */
export const waitFor = async (
  stack: LocalStack,
  executionId: string,
  done: (details: OperationResponse) => boolean,
  timeoutMs = 30_000,
): Promise<OperationResponse> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const details = await invoke(stack, { operation: 'get_execution_details', executionId });
    if (done(details)) return details;
    if (Date.now() > deadline)
      throw new Error(`timed out; last details: ${JSON.stringify({ status: details.status, currentWave: details.currentWave })}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};

/**
 * Waits until the execution is paused and its pause settled: the state machine's wait has attached its token (an
 * append of its own, after the pause), so the ledger stays as it is until someone acts.
 */
export const waitForSettledPause = async (stack: LocalStack, executionId: string, timeoutMs = 90_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  await waitFor(stack, executionId, (details) => details.status === 'PAUSED', timeoutMs);
  while (!(await stack.deps.store.read(executionId)).some((stored) => stored.event.type === 'ResumeTokenAttached')) {
    if (Date.now() > deadline) throw new Error(`${executionId}: paused, but no token was attached to the pause`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};

export const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;
