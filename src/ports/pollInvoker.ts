import type { DrsJobStatus, ServerObservation } from '../domain/execution';

/**
 * What find saw of an execution's current DRS job (DescribeJobs, batched over many executions), handed to
 * that execution's poll. The poll uses it only to learn that nothing changed; anything that would change
 * the ledger is read from DRS by the poll itself.
 */
export interface ObservedJob {
  jobId: string;
  status: DrsJobStatus;
  servers: ServerObservation[];
  observedAt: string;
}

export interface PollTarget {
  executionId: string;
  planId: string;
  /** Every DRS job of the wave in progress, as find saw them. */
  observations?: ObservedJob[];
}

/** Fans find out to one asynchronous poll per execution (Lambda InvocationType Event). */
export interface PollInvoker {
  invokePoll(functionName: string, target: PollTarget): Promise<void>;
}
