import { SharedJobReads } from '../../../src/operations/sharedJobReads';
import type { EvidenceDigests } from '../../../src/ports/evidenceDigests';
import {
  InMemoryExecutionEventStore,
  InMemoryExecutionViewStore,
  InMemoryPlanStore,
  InMemoryResumeTokenStore,
} from '../../../src/adapters/memory';
import { type AppConfig, configFromEnv } from '../../../src/config';
import type { RecoveryPlan } from '../../../src/domain/plan';
import type { OperationDeps } from '../../../src/operations/deps';
import type { ExecutionEventStore, StoredEvent } from '../../../src/ports/executionEventStore';
import { RecordingLog } from './log';
import { FakeNotifier } from './notifier';
import { FakePollInvoker } from './pollInvoker';
import { FakeRecoveryJobs } from './recoveryJobs';
import { FakeWorkflow } from './workflow';

/** A clock the test moves by hand. */
export class ManualClock {
  private ms: number;

  constructor(start: string) {
    this.ms = Date.parse(start);
  }

  now(): string {
    return new Date(this.ms).toISOString();
  }

  advance(seconds: number): string {
    this.ms += seconds * 1000;
    return this.now();
  }
}

export interface MemoryWorldOptions {
  /** The ledger operations use (a decorator over `ledger`, say); the in-memory ledger by default. */
  store?: (ledger: InMemoryExecutionEventStore) => ExecutionEventStore;
  config?: Partial<AppConfig>;
  /** No state machine configured: the scheduled find drives executions alone. */
  withoutWorkflow?: boolean;
  /** No topic configured. */
  withoutNotifier?: boolean;
  /** The digest chain the ends are sealed in (none by default). */
  digests?: EvidenceDigests;
  startAt?: string;
  /**
   * Polls share their DescribeJobs answers for this long, by the world's clock, as one container's do, from two
   * executions on (none by default).
   */
  sharedJobReadMs?: number;
}

/**
 * Operations wired to the in-memory stores and in-memory fakes of DRS, Step Functions, SNS and Lambda: the
 * same OperationDeps the handler builds, with nothing behind them but memory. Executions are numbered.
 */
export class MemoryWorld {
  readonly clock: ManualClock;
  readonly ledger = new InMemoryExecutionEventStore();
  readonly store: ExecutionEventStore;
  readonly views = new InMemoryExecutionViewStore();
  readonly plans = new InMemoryPlanStore();
  readonly resumeTokens = new InMemoryResumeTokenStore();
  readonly drs: FakeRecoveryJobs;
  readonly workflow = new FakeWorkflow();
  readonly notifier = new FakeNotifier();
  readonly pollInvoker = new FakePollInvoker();
  readonly log = new RecordingLog();
  readonly deps: OperationDeps;
  private executions = 0;

  constructor(options: MemoryWorldOptions = {}) {
    this.clock = new ManualClock(options.startAt ?? '2026-03-01T09:00:00.000Z');
    this.store = options.store ? options.store(this.ledger) : this.ledger;
    this.drs = new FakeRecoveryJobs(() => this.clock.now());
    const config: AppConfig = { ...configFromEnv({}), ...options.config };
    this.deps = {
      config,
      store: this.store,
      views: this.views,
      plans: this.plans,
      resumeTokens: this.resumeTokens,
      drs: async () => this.drs,
      workflow: async () => (options.withoutWorkflow ? undefined : this.workflow),
      pollInvoker: async () => this.pollInvoker,
      notifier: async () => (options.withoutNotifier ? undefined : this.notifier),
      digests: async () => options.digests,
      now: () => this.clock.now(),
      ...(options.sharedJobReadMs === undefined
        ? {}
        : {
            sharedJobReads: new SharedJobReads(() => Date.parse(this.clock.now()), { freshMs: options.sharedJobReadMs, minExecutions: 2 }),
          }),
      newExecutionId: () => `exec-${String((this.executions += 1)).padStart(4, '0')}`,
      log: this.log,
    };
  }

  async givenPlan(plan: RecoveryPlan): Promise<RecoveryPlan> {
    await this.plans.put(plan);
    return plan;
  }

  /** The execution's ledger as stored. */
  async events(executionId: string): Promise<StoredEvent['event'][]> {
    return (await this.ledger.read(executionId)).map((stored) => stored.event);
  }

  /** The event types appended after `fromSeq`. */
  async typesAfter(executionId: string, fromSeq: number): Promise<string[]> {
    return (await this.ledger.read(executionId, { fromSeq: fromSeq + 1 })).map((stored) => stored.event.type);
  }

  async headSeq(executionId: string): Promise<number> {
    return (await this.ledger.head(executionId))?.seq ?? 0;
  }
}
