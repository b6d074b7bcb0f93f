/** Small waits for one execution, through the Lambda endpoint. */
import type { OperationResponse } from '../../../src/operations/responses';
import { sleep, type Traffic } from './traffic';

/** Asks get_execution_details until `done` holds; fails after `timeoutMs`. */
export const waitForDetails = async (
  traffic: Traffic,
  executionId: string,
  done: (details: OperationResponse) => boolean,
  timeoutMs = 30_000,
): Promise<OperationResponse> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const details = await traffic.call({ operation: 'get_execution_details', executionId });
    if (details && done(details)) return details;
    if (Date.now() > deadline) throw new Error(`timed out waiting; last: ${JSON.stringify(details).slice(0, 400)}`);
    await sleep(50);
  }
};

/** Waits until `check` holds (polled every 25 ms); fails after `timeoutMs`. */
export const eventually = async (what: string, check: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
};

export const isEnded = (details: OperationResponse): boolean => ['COMPLETED', 'FAILED', 'CANCELLED'].includes(String(details.status));
