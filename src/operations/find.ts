import type { OperationDeps } from './deps';
import { ok, OperationResponse } from './responses';

const PAGE_SIZE = 500;
/** Async invokes in flight at once: enough to fan out thousands quickly without a burst of throttles. */
const INVOKE_CONCURRENCY = 16;

interface FindResult {
  executionId: string;
  planId: string;
  status: 'POLLING_INITIATED' | 'POLL_INVOKE_FAILED';
  error?: string;
}

const inBatches = async <T, R>(items: T[], size: number, run: (item: T) => Promise<R>): Promise<R[]> => {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next;
      next += 1;
      results[index] = await run(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(size, items.length) }, worker));
  return results;
};

/**
 * find (also the EventBridge schedule): every RUNNING execution, all pages of the sparse index, and one
 * asynchronous poll invocation for each. A failed invoke is reported, not fatal: the next run retries it.
 */
export const find = async (deps: OperationDeps, functionName: string): Promise<OperationResponse> => {
  const running: Array<{ executionId: string; planId: string }> = [];
  let nextToken: string | undefined;
  do {
    const page = await deps.views.listRunning(PAGE_SIZE, nextToken);
    running.push(...page.executions);
    nextToken = page.nextToken;
  } while (nextToken);

  if (running.length === 0) return ok({ executionsFound: 0, executionsPolled: 0, results: [] });
  const invoker = await deps.pollInvoker();
  const results = await inBatches(running, INVOKE_CONCURRENCY, async (target): Promise<FindResult> => {
    try {
      await invoker.invokePoll(functionName, target);
      return { ...target, status: 'POLLING_INITIATED' };
    } catch (error) {
      deps.log.warn('Poll invocation failed', { executionId: target.executionId, error: String(error) });
      return { ...target, status: 'POLL_INVOKE_FAILED', error: error instanceof Error ? error.message : String(error) };
    }
  });
  return ok({
    executionsFound: running.length,
    executionsPolled: results.filter((result) => result.status === 'POLLING_INITIATED').length,
    results,
  });
};
