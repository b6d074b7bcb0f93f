/**
 * For tests of the state machine continuing as new on the local stack: a drill long enough to need several
 * runs, and the runs the ledger names (StateMachineAttached), newest last.
 */
import type { EventOf, ExecutionEvent } from '../../src/domain/execution';
import type { RecoveryPlan } from '../../src/domain/plan';
import type { LocalStack } from '../../src/local/stack';
import { invoke } from './localStack';

export type Attached = EventOf<'StateMachineAttached'>;

/** Eight one-server waves (about two 30-second loops each), with a pause before wave 5 unless told otherwise. */
export const longPlan = (planId: string, pauseBeforeWave5 = true): RecoveryPlan => ({
  planId,
  planName: `Continue-as-new drill ${planId}`,
  waves: Array.from({ length: 8 }, (_, index) => ({
    waveName: `Wave ${index + 1}`,
    sourceServerIds: [`s-${planId.slice(-1)}${String(index + 1).padStart(16, '0')}`],
    ...(index === 4 && pauseBeforeWave5 ? { pauseBeforeWave: true } : {}),
  })),
});

export const ledgerOf = async (stack: LocalStack, executionId: string): Promise<ExecutionEvent[]> =>
  (await stack.deps.store.read(executionId)).map((stored) => stored.event);

export const attachments = async (stack: LocalStack, executionId: string): Promise<Attached[]> =>
  (await ledgerOf(stack, executionId)).filter((event): event is Attached => event.type === 'StateMachineAttached');

export const until = async <T>(probe: () => Promise<T | undefined> | T | undefined, what: string, timeoutMs = 90_000): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
};

/** The run the ledger names now, once it is parked on its wait-for-resume token. */
export const parkedRun = (stack: LocalStack, executionId: string): Promise<Attached> =>
  until(async () => {
    const newest = (await attachments(stack, executionId)).at(-1);
    return newest && stack.sfn.waitingTasks(newest.data.executionArn) === 1 ? newest : undefined;
  }, 'the newest run to park');

export const startDrill = async (stack: LocalStack, planId: string): Promise<string> => {
  const started = await invoke(stack, { operation: 'start_execution', planId, executionType: 'DRILL', initiatedBy: 'e2e@example.com' });
  expect(started).toMatchObject({ statusCode: 200, status: 'RUNNING' });
  return started.executionId as string;
};
