/** What names an execution in a request: the execution, and the plan the caller believes it belongs to. */
export interface ExecutionRef {
  executionId: string;
  planId: string;
}

/** An operator's request on an execution (pause, resume, cancel). */
export interface OperatorInput extends ExecutionRef {
  /** Who asks: recorded in the ledger for the audit trail. */
  requestedBy: string;
  reason?: string;
}
