import { createStreamHandler } from '../../../src/handlers/streamHandler';
import type { LocalStack } from '../../../src/local/stack';

/**
 * What an operator does with the projector's on-failure queue once the cause is gone: hand the records
 * back to the projector. Answers how many were redriven and how many still failed.
 */
export const redriveDeadLetters = async (stack: LocalStack): Promise<{ redriven: number; stillFailing: number }> => {
  const records = [...stack.stream.deadLetters];
  if (records.length === 0) return { redriven: 0, stillFailing: 0 };
  const project = createStreamHandler({
    views: stack.deps.views,
    ledger: stack.deps.store,
    logger: { debug() {}, warn() {}, error() {} },
    alarms: stack.tamper.alarms,
  });
  const { batchItemFailures } = await project({ Records: records });
  return { redriven: records.length, stillFailing: batchItemFailures.length };
};
