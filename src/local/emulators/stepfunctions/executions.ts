import { randomUUID } from 'node:crypto';
import { executionArnOf, isValidName, parseStatesArn } from './arns';
import { type EventLogEntry, ExecutionError, ExecutionTimeoutError, type JsonValue, StateMachine } from './engine';
import { invalidArn, SfnError } from './errors';
import { HistoryCounter, historyEventsOf } from './historyLimit';
import type { StateMachineRecord, StateMachines } from './stateMachines';
import { taskHandlers, type TaskDeps } from './taskHandlers';

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

export interface ExecutionRecord {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: ExecutionStatus;
  startDate: Date;
  stopDate?: Date;
  input: string;
  output?: string;
  error?: string;
  cause?: string;
  /** The engine's event log (StateEntered, TaskFailed...), the latest KEPT_LOG_ENTRIES entries. */
  history: EventLogEntry[];
  /** How many events AWS would have written to this execution's history so far (see historyLimit.ts). */
  historyEvents: number;
}

/** Log entries kept per execution for inspection; unrelated to the history event limit. */
const KEPT_LOG_ENTRIES = 1000;

type Outcome = Partial<ExecutionRecord> & { status: ExecutionStatus };

interface Running {
  abort(): void;
  done: Promise<void>;
}

/** Executions of registered machines, run by aws-local-stepfunctions with our Task handlers. */
export class Executions {
  private readonly records = new Map<string, ExecutionRecord>();
  private readonly running = new Map<string, Running>();
  /** What $$.Task.Token evaluates to; callback tasks replace it with their minted token. */
  private readonly tokenPlaceholder = `local-sfn-task-token-placeholder-${randomUUID()}`;

  private readonly deps: TaskDeps;

  /** `historyEventLimit`: the events an execution may write before it fails, as AWS's 25,000-event quota. */
  constructor(
    private readonly machines: StateMachines,
    deps: Omit<TaskDeps, 'startExecution'>,
    private readonly historyEventLimit: number,
  ) {
    // arn:aws:states:::states:startExecution starts executions here, so that they really run.
    this.deps = { ...deps, startExecution: (stateMachineArn, name, input) => this.start(stateMachineArn, name, input) };
  }

  /** StartExecution. A running execution with the same name and input is answered again (idempotent). */
  start(stateMachineArn: string, name: string = randomUUID(), input = '{}'): ExecutionRecord {
    const machine = this.machines.get(stateMachineArn);
    if (!isValidName(name)) throw new SfnError('InvalidName', `Invalid Name: '${name}'`);
    let parsedInput: JsonValue;
    try {
      parsedInput = JSON.parse(input) as JsonValue;
    } catch (error) {
      throw new SfnError('InvalidExecutionInput', `Invalid State Machine Execution Input: '${String(error)}'`);
    }
    const executionArn = executionArnOf(stateMachineArn, name);
    const existing = this.records.get(executionArn);
    if (existing) {
      if (existing.status === 'RUNNING' && existing.input === input) return existing;
      throw new SfnError('ExecutionAlreadyExists', `Execution Already Exists: '${executionArn}'`);
    }
    const record: ExecutionRecord = {
      executionArn,
      stateMachineArn,
      name,
      status: 'RUNNING',
      startDate: new Date(),
      input,
      history: [],
      historyEvents: 0,
    };
    this.records.set(executionArn, record);
    this.launch(machine, record, parsedInput);
    return record;
  }

  describe(executionArn: string): ExecutionRecord {
    const parsed = parseStatesArn(executionArn);
    if (!parsed || parsed.resourceType !== 'execution') throw invalidArn(executionArn);
    const record = this.records.get(executionArn);
    if (!record) throw new SfnError('ExecutionDoesNotExist', `Execution Does Not Exist: '${executionArn}'`);
    return record;
  }

  /** StopExecution: ABORTED at once; its waiting tasks end and their tokens answer TaskTimedOut. */
  stop(executionArn: string, error?: string, cause?: string): ExecutionRecord {
    const record = this.describe(executionArn);
    if (record.status !== 'RUNNING') return record;
    record.status = 'ABORTED';
    record.stopDate = new Date();
    if (error !== undefined) record.error = error;
    if (cause !== undefined) record.cause = cause;
    this.running.get(executionArn)?.abort();
    this.deps.tokens.closeExecution(executionArn, 'The execution was stopped');
    return record;
  }

  /** Newest first, as ListExecutions answers. */
  list(stateMachineArn: string, statusFilter?: string): ExecutionRecord[] {
    this.machines.get(stateMachineArn);
    return [...this.records.values()]
      .filter((record) => record.stateMachineArn === stateMachineArn && (!statusFilter || record.status === statusFilter))
      .reverse();
  }

  /** In process: resolves once the execution has ended (its engine run included). */
  async settled(executionArn: string): Promise<ExecutionRecord> {
    const record = this.describe(executionArn);
    await this.running.get(executionArn)?.done;
    return record;
  }

  /** Stops every running execution and waits for their runs to end. */
  async stopAll(): Promise<void> {
    for (const executionArn of this.running.keys()) this.stop(executionArn, 'Emulator.Shutdown', 'The emulator closed');
    await Promise.all([...this.running.values()].map((run) => run.done));
  }

  private launch(machine: StateMachineRecord, record: ExecutionRecord, input: JsonValue): void {
    const { executionArn } = record;
    const engine = new StateMachine(machine.runtime.definition, { validationOptions: { noValidate: true } });
    let abortRun = (): void => undefined;
    const history = new HistoryCounter(this.historyEventLimit, (events) => {
      this.failOverHistoryLimit(record, events);
      abortRun();
    });
    const recordHistory = (events: number): void => {
      history.record(events);
      record.historyEvents = history.count;
    };
    const handlers = taskHandlers(machine.runtime.tasks, this.deps, {
      executionArn,
      tokenPlaceholder: this.tokenPlaceholder,
      stopped: () => record.status !== 'RUNNING',
      recordHistory,
    });
    const run = engine.run(input, {
      overrides: { taskResourceLocalHandlers: handlers },
      noThrowOnAbort: true,
      context: {
        Execution: { Id: executionArn, Name: record.name, RoleArn: machine.roleArn, RedriveCount: 0 },
        StateMachine: { Id: machine.stateMachineArn, Name: machine.name },
        Task: { Token: this.tokenPlaceholder },
      },
    });
    abortRun = run.abort;
    // The history is counted from the engine's log; the execution ends once the log is read to its end, so an
    // execution whose last events pass the limit fails as it would on AWS.
    const logRead = (async () => {
      for await (const entry of run.eventLogs) {
        recordHistory(historyEventsOf(entry));
        record.history.push(entry);
        if (record.history.length > KEPT_LOG_ENTRIES) record.history.shift();
      }
    })().catch(() => undefined);
    const outcome = run.result.then(
      (output): Outcome => ({ status: 'SUCCEEDED', output: JSON.stringify(output) }),
      (error: unknown): Outcome => failureOf(error),
    );
    const done = Promise.all([outcome, logRead]).then(([ended]) => this.finish(record, ended));
    this.running.set(executionArn, { abort: run.abort, done });
  }

  /** As AWS ends an execution whose history reached the quota: FAILED, its waiting tasks ended. */
  private failOverHistoryLimit(record: ExecutionRecord, events: number): void {
    if (record.status !== 'RUNNING') return;
    Object.assign(record, {
      status: 'FAILED',
      stopDate: new Date(),
      error: 'States.Runtime',
      cause: `History limit exceeded: the execution wrote ${events} history events; the limit is ${this.historyEventLimit}`,
    });
    this.deps.tokens.closeExecution(record.executionArn, 'The execution failed');
  }

  private finish(record: ExecutionRecord, outcome: Outcome): void {
    this.running.delete(record.executionArn);
    this.deps.tokens.closeExecution(record.executionArn, 'The execution has ended');
    if (record.status !== 'RUNNING') return; // stopped: already ABORTED
    Object.assign(record, outcome, { stopDate: new Date() });
  }
}

const failureOf = (error: unknown): Outcome => {
  if (error instanceof ExecutionTimeoutError) return { status: 'TIMED_OUT', error: 'States.Timeout' };
  const cause = error instanceof ExecutionError && error.cause instanceof Error ? error.cause : undefined;
  if (cause) return { status: 'FAILED', error: cause.name, cause: cause.message };
  return { status: 'FAILED', error: 'States.Runtime', cause: error instanceof Error ? error.message : String(error) };
};
