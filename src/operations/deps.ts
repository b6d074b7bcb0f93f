import type { AppConfig } from '../config';
import type { EvidenceDigests } from '../ports/evidenceDigests';
import type { ExecutionEventStore } from '../ports/executionEventStore';
import type { ExecutionViewStore } from '../ports/executionViewStore';
import type { Notifier } from '../ports/notifier';
import type { PlanStore } from '../ports/planStore';
import type { PollInvoker } from '../ports/pollInvoker';
import type { RecoveryJobs } from '../ports/recoveryJobs';
import type { ResumeTokenStore } from '../ports/resumeTokens';
import type { Workflow } from '../ports/workflow';
import type { SharedJobReads } from './sharedJobReads';

/** Structured logging, as Powertools' Logger offers it. */
export interface Log {
  info(message: string, ...extra: Array<Record<string, unknown>>): void;
  warn(message: string, ...extra: Array<Record<string, unknown>>): void;
  error(message: string, ...extra: Array<Record<string, unknown>>): void;
}

/**
 * What operations work with. Service clients are factories, resolved on first use, so an operation
 * loads only the SDK clients it calls (get_execution_details never loads DRS, SFN, Lambda or SNS code).
 */
export interface OperationDeps {
  config: AppConfig;
  store: ExecutionEventStore;
  views: ExecutionViewStore;
  plans: PlanStore;
  resumeTokens: ResumeTokenStore;
  drs: () => Promise<RecoveryJobs>;
  /** Undefined when no state machine is configured: the scheduled find then drives executions alone. */
  workflow: () => Promise<Workflow | undefined>;
  pollInvoker: () => Promise<PollInvoker>;
  /** Undefined when no topic is configured. */
  notifier: () => Promise<Notifier | undefined>;
  /** Undefined when no digest chain is configured: ended executions are then sealed by nothing outside the table. */
  digests: () => Promise<EvidenceDigests | undefined>;
  now: () => string;
  /**
   * DescribeJobs answers the polls of one container share (one per container, as long as it lives); without it
   * every poll that finds no observation from find reads DRS itself.
   */
  sharedJobReads?: SharedJobReads;
  /**
   * How a writer that lost a seq to another waits before it reads again (handleCommand; default: a jittered
   * real-time sleep, conflictBackoff.ts). The simulator passes its own, in simulated time.
   */
  backoff?: (attempt: number) => Promise<void>;
  /** A uniform pick in [0, 1) for jitter the ledger records (cleanup retries); default Math.random. */
  random?: () => number;
  newExecutionId: () => string;
  log: Log;
}
