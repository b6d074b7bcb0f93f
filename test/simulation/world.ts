import { SharedJobReads } from '../../src/operations/sharedJobReads';
import { Logger } from '@aws-lambda-powertools/logger';
import { InMemoryExecutionViewStore, InMemoryPlanStore, InMemoryResumeTokenStore } from '../../src/adapters/memory';
import { configFromEnv } from '../../src/config';
import { handleRequest } from '../../src/handlers/executionHandler';
import { handleOperatorApiRequest } from '../../src/handlers/operatorApi';
import { APPROVER } from './profile';
import type { OperationDeps } from '../../src/operations/deps';
import type { OperationResponse } from '../../src/operations/responses';
import type { Notification, Notifier } from '../../src/ports/notifier';
import type { PollInvoker, PollTarget } from '../../src/ports/pollInvoker';
import { executionArnFor, type ResumeDelivery, runName, type Workflow, type WorkflowInput } from '../../src/ports/workflow';
import type { RecoveryJob } from '../../src/ports/recoveryJobs';
import { createProjector } from '../../src/projector/projector';
import type { DecodedStreamRecord } from '../../src/ports/ledgerStream';
import { SimDrs } from './drs';
import { SimLedger, type WrittenItem } from './ledger';
import { Mailbox } from './mailbox';
import type { SimProfile } from './profile';
import type { SimRandom } from './random';
import { type Actor, Scheduler } from './scheduler';

export const SIM_START_MS = Date.UTC(2026, 5, 1, 9, 0, 0);
const STATE_MACHINE_ARN = 'arn:aws:states:us-east-1:123456789012:stateMachine:drs-ledger-drill';
/** A crashed invocation's caller hears of it after the function's timeout (serverless.yml: 60 s). */
const FUNCTION_TIMEOUT_MS = 60_000;
/**
 * As deployed (SHARED_JOB_READ_SECONDS 5): one container's polls share DescribeJobs answers this long; from two
 * executions on (deployed: ten), since a world has one or two.
 */
const SHARED_JOB_READ_MS = 5_000;

export type InvocationAnswer = { answered: true; response: OperationResponse } | { answered: false };

/** One invocation of the handler, as the world records it: what was asked, by whom, and what came back. */
export interface Invocation {
  actor: Actor;
  event: Record<string, unknown>;
  surface: 'public' | 'internal';
  startedMs: number;
  /** The ledger's length for its execution when the request arrived (for answers checked against states). */
  headSeqAtStart?: number;
  answeredMs?: number;
  response?: OperationResponse;
}

export interface LogLineSeen {
  actor: Actor;
  line: Record<string, unknown>;
}

export interface FaultCounts {
  crashes: number;
  lostInvocations: number;
  duplicatedInvocations: number;
  reorderedBatches: number;
  duplicatedRecords: number;
  dynamoErrors: number;
}

/** SharedJobReads that counts the polls that found a fresh answer read for another execution. */
class CountedSharedJobReads extends SharedJobReads {
  offered = 0;

  override fresh(...args: Parameters<SharedJobReads['fresh']>): ReturnType<SharedJobReads['fresh']> {
    const observed = super.fresh(...args);
    if (observed) this.offered += 1;
    return observed;
  }
}

/** A gated view of a port: every call is a request that waits its turn (and may be where its caller dies). */
const gated = <T extends object>(scheduler: Scheduler, target: T, service: string, failure?: () => void): T =>
  new Proxy(target, {
    get(object, name, receiver) {
      const member = Reflect.get(object, name, receiver) as unknown;
      if (typeof member !== 'function') return member;
      return async (...args: unknown[]) => {
        await scheduler.gate(`${service}.${String(name)}`);
        failure?.();
        const answer: unknown = await (member as (...a: unknown[]) => unknown).apply(object, args);
        // The answer travels back too: a crash here is a request that took effect unbeknown to its caller.
        await scheduler.gate(`${service}.${String(name)} answer`);
        return answer;
      };
    },
  });

/**
 * The whole system in one process and one thread: the real handler (request parsing, operations, decider,
 * reactions), the real projector, on in-memory stores whose every request is a simulation step; DRS, Step Functions,
 * Lambda's async invokes, SNS and the events table's stream simulated around them. Invocations run with their own
 * skewed clocks and may crash between any two requests.
 */
export class SimWorld {
  readonly scheduler: Scheduler;
  readonly ledger: SimLedger;
  readonly views = new InMemoryExecutionViewStore();
  readonly plans = new InMemoryPlanStore();
  readonly resumeTokens = new InMemoryResumeTokenStore();
  readonly drs: SimDrs;
  readonly invocations: Invocation[] = [];
  readonly logLines: LogLineSeen[] = [];
  readonly notifications: Notification[] = [];
  readonly jobsStarted: RecoveryJob[] = [];
  /** One container's shared DescribeJobs, counting the polls it spared a call of their own. */
  readonly sharedReads = new CountedSharedJobReads(() => this.scheduler.nowMs, { freshMs: SHARED_JOB_READ_MS, minExecutions: 2 });
  readonly faults: FaultCounts = {
    crashes: 0,
    lostInvocations: 0,
    duplicatedInvocations: 0,
    reorderedBatches: 0,
    duplicatedRecords: 0,
    dynamoErrors: 0,
  };
  readonly trace: string[] = [];
  /** Stream records the projector has been handed and finished (its checkpoint). */
  streamCursor = 0;
  /** Run after every step, with nothing running: the invariants. */
  stepped: () => void = () => undefined;
  private executionCount = 0;
  private readonly logger: Logger;
  private readonly base: OperationDeps;
  private readonly runs = new Map<string, SfnRun>();
  private readonly mailboxes = new Map<Actor, Mailbox<InvocationAnswer>>();
  /** Throws, now and then while faults last, as a throttled DynamoDB request does. */
  private throttled: () => void = () => undefined;

  constructor(
    readonly random: SimRandom,
    readonly profile: SimProfile,
    options: { unconditionalAppends?: boolean } = {},
  ) {
    this.scheduler = new Scheduler(random, SIM_START_MS);
    this.scheduler.crashProbability = profile.crashProbability;
    const throttled = () => this.throttled();
    this.throttled = () => {
      if (!this.scheduler.faultsOn || !random.chance(profile.dynamoErrors)) return;
      this.faults.dynamoErrors += 1;
      throw Object.assign(new Error('Rate of requests exceeds the allowed throughput'), { name: 'ProvisionedThroughputExceededException' });
    };
    this.ledger = new SimLedger(this.scheduler, options.unconditionalAppends === true, throttled);
    this.drs = new SimDrs(this.scheduler, random, profile.drs, (job) => {
      this.jobsStarted.push(job);
      this.note(
        `   DRS created ${job.jobId} for wave ${job.tags['drs-ledger:wave'] ?? '?'} part ${job.tags['drs-ledger:part'] ?? '?'}${job.tags['drs-ledger:retry'] ? ` retry ${job.tags['drs-ledger:retry']}` : ''} (${job.servers.length} servers)`,
      );
    });
    this.ledger.onWritten = (item) => {
      const { event } = item.stored;
      const data = event.data as Record<string, unknown>;
      const detail = ['waveNumber', 'drsJobId', 'status']
        .filter((key) => data[key] !== undefined)
        .map((key) => `${key}=${String(data[key])}`)
        .concat(
          typeof (data.error as { code?: string } | undefined)?.code === 'string' ? [`error=${(data.error as { code: string }).code}`] : [],
        )
        .join(' ');
      this.note(
        `   ${event.executionId.slice(-4)} #${event.seq} ${event.type} ${detail} at ${event.occurredAt.slice(11, 23)} by ${item.writer}`,
      );
    };
    this.logger = this.capturingLogger();
    const scheduler = this.scheduler;
    const workflow = profile.withWorkflow ? gated(scheduler, new SimWorkflow(this), 'SFN') : undefined;
    const notifier: Notifier = gated(scheduler, { publish: async (n: Notification) => String(this.notifications.push(n)) }, 'SNS');
    const pollInvoker: PollInvoker = gated(
      scheduler,
      { invokePoll: async (_fn: string, target: PollTarget) => this.asyncPoll(target) },
      'Lambda',
    );
    const drs = gated(scheduler, this.drs, 'DRS-client');
    this.base = {
      config: {
        ...configFromEnv({}),
        functionName: 'execution-handler',
        // Below the handler's floor of 10 (config.ts): the simulated waves are small, and must still split.
        serversPerJob: profile.serversPerJob,
        ...(profile.withWorkflow ? { stateMachineArn: STATE_MACHINE_ARN } : {}),
        notificationTopicArn: 'arn:aws:sns:us-east-1:123456789012:drs-ledger',
      },
      store: this.ledger,
      views: gated(scheduler, this.views, 'DynamoDB', throttled),
      plans: gated(scheduler, this.plans, 'DynamoDB', throttled),
      resumeTokens: gated(scheduler, this.resumeTokens, 'DynamoDB', throttled),
      drs: async () => drs,
      workflow: async () => workflow,
      pollInvoker: async () => pollInvoker,
      notifier: async () => notifier,
      digests: async () => undefined,
      now: () => new Date(scheduler.nowMs).toISOString(),
      // One container's polls share their DescribeJobs, aged by true simulated time (each invocation's clock is skewed).
      sharedJobReads: this.sharedReads,
      backoff: (attempt) => scheduler.sleep(random.int(0, Math.min(100, 4 * 2 ** (attempt - 1))), 'backoff'),
      random: () => random.next(),
      newExecutionId: () => `exec-sim-${String((this.executionCount += 1)).padStart(4, '0')}`,
      log: this.logger,
    };
    scheduler.setHooks({
      crashed: (actor, label) => this.crashed(actor, label),
      failed: (actor, error) =>
        this.note(`!! ${actor.name} threw: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`),
      stepped: () => this.stepped(),
    });
  }

  get nowIso(): string {
    return new Date(this.scheduler.nowMs).toISOString();
  }

  note(text: string): void {
    const elapsed = this.scheduler.nowMs - SIM_START_MS;
    const clock = new Date(elapsed).toISOString().slice(11, 23);
    this.trace.push(`+${clock} ${text}`);
  }

  /**
   * Invokes the handler as Lambda would: a new actor with its own clock skew, which may crash between any two
   * requests. The mailbox gets the answer, or after the function's timeout, word that none came.
   */
  invoke(event: Record<string, unknown>, surface: 'public' | 'internal' = 'public', crashable = true): Mailbox<InvocationAnswer> {
    return this.spawnInvocation(event, surface, crashable, (deps, self) =>
      handleRequest(
        deps,
        this.logger,
        event,
        { functionName: surface === 'public' ? 'execution-handler' : 'execution-internal', awsRequestId: `req-${self.id}` },
        surface,
      ),
    );
  }

  /** One invocation: its own actor and clock; `handle` runs the request with deps on that clock. */
  private spawnInvocation(
    event: Record<string, unknown>,
    surface: 'public' | 'internal',
    crashable: boolean,
    handle: (deps: OperationDeps, self: Actor) => Promise<OperationResponse>,
  ): Mailbox<InvocationAnswer> {
    const box = new Mailbox<InvocationAnswer>(this.scheduler);
    const bound = this.profile.skewBoundMs;
    const skewMs = bound === 0 ? 0 : this.random.int(-bound, bound);
    const name = `${String(event.operation)}${typeof event.executionId === 'string' ? ` ${event.executionId.slice(-4)}` : ''}`;
    const actor = this.scheduler.spawn(
      name,
      this.scheduler.nowMs,
      async (self) => {
        const executionId = typeof event.executionId === 'string' ? event.executionId : undefined;
        const invocation: Invocation = {
          actor: self,
          event,
          surface,
          startedMs: this.scheduler.nowMs,
          ...(executionId ? { headSeqAtStart: this.ledger.headOf(executionId)?.stored.event.seq ?? 0 } : {}),
        };
        this.invocations.push(invocation);
        const deps: OperationDeps = { ...this.base, now: () => new Date(this.scheduler.nowMs + skewMs).toISOString() };
        this.note(`-> #${self.id} ${name}${skewMs ? ` (clock ${skewMs > 0 ? '+' : ''}${Math.round(skewMs / 1000)}s)` : ''}`);
        const response = await handle(deps, self);
        invocation.answeredMs = this.scheduler.nowMs;
        invocation.response = response;
        this.note(
          `<- #${self.id} ${name}: ${response.statusCode}${typeof response.status === 'string' ? ` ${response.status}` : ''}${typeof response.error === 'string' ? ` ${response.error}` : ''}`,
        );
        box.deliver({ answered: true, response });
      },
      { skewMs, crashable },
    );
    this.mailboxes.set(actor, box);
    return box;
  }

  /**
   * A request to the operator API (what a person's approval or decline goes through): the principal IAM verified,
   * the route and its body, as API Gateway hands them over. Recorded like an invocation, its answer as the body says.
   */
  invokeApi(action: 'approve' | 'decline', executionId: string, body: Record<string, unknown>): Mailbox<InvocationAnswer> {
    const event = {
      routeKey: `POST /executions/{executionId}/${action}`,
      pathParameters: { executionId },
      requestContext: { authorizer: { iam: { userArn: APPROVER } }, http: { method: 'POST' } },
      body: JSON.stringify(body),
    };
    return this.spawnInvocation({ operation: action, executionId, ...body }, 'public', true, async (deps) => {
      const answer = await handleOperatorApiRequest(deps, this.logger, event);
      return { statusCode: answer.statusCode, ...(JSON.parse(answer.body) as Record<string, unknown>) };
    });
  }

  /** Lambda's async invoke of a poll (find's fan-out): may be lost or delivered twice; a crashed one is retried twice. */
  private asyncPoll(target: PollTarget): void {
    const copies = this.faultCopies();
    for (let i = 0; i < copies; i += 1)
      this.spawnDriver(`async poll ${target.executionId.slice(-4)}`, () => this.asyncInvoke({ operation: 'poll', ...target }));
  }

  /** How many deliveries an at-least-once channel makes of one message: usually one. */
  faultCopies(): number {
    if (!this.scheduler.faultsOn) return 1;
    if (this.random.chance(this.profile.lostInvocation)) {
      this.faults.lostInvocations += 1;
      return 0;
    }
    if (this.random.chance(this.profile.duplicateInvocation)) {
      this.faults.duplicatedInvocations += 1;
      return 2;
    }
    return 1;
  }

  /** An asynchronous invocation with Lambda's retries: two more after a failure, a minute or two apart. */
  async asyncInvoke(event: Record<string, unknown>): Promise<void> {
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const answer = await this.invoke(event).receive();
      if (answer.answered) return;
      await this.scheduler.sleep(this.random.int(60, 180) * 1000, 'async retry');
    }
  }

  /** A driver of the world (schedule, state machine, operator, stream poller): never crashes itself. */
  spawnDriver(name: string, body: () => Promise<unknown>, atMs = this.scheduler.nowMs): Actor {
    return this.scheduler.spawn(name, atMs, body);
  }

  /** Starts the Step Functions run for an execution unless one of that name exists (what StartExecution does). */
  startRun(executionId: string, input: WorkflowInput): string {
    const name = runName(executionId, input.generation);
    const executionArn = executionArnFor(STATE_MACHINE_ARN, name);
    if (!this.runs.has(executionArn)) {
      const run = new SfnRun(this, executionArn, input);
      this.runs.set(executionArn, run);
      this.spawnDriver(`sfn ${executionId.slice(-4)}`, () => run.drive());
    }
    return executionArn;
  }

  run(executionArn: string): SfnRun | undefined {
    return this.runs.get(executionArn);
  }

  runs_(): SfnRun[] {
    return [...this.runs.values()];
  }

  runWaitingOn(taskToken: string): SfnRun | undefined {
    return [...this.runs.values()].find((run) => run.waitingToken === taskToken);
  }

  /** The events table's stream as the projector's event source mapping reads it: in order, at least once. */
  async pollStream(): Promise<void> {
    const projector = createProjector({
      views: gated(this.scheduler, this.views, 'DynamoDB', () => this.throttled()),
      ledger: this.ledger,
      logger: { debug: () => undefined, warn: () => undefined, error: (m: string) => this.note(`projector error: ${m}`) },
    });
    for (;;) {
      await this.scheduler.sleep(this.random.int(200, 3000), 'stream poll');
      let pending = this.ledger.written.slice(this.streamCursor, this.streamCursor + this.random.int(1, 10));
      if (pending.length === 0) continue;
      // A record delivered late: the batch skips the first one (it comes with the next), so the projector meets a
      // gap and fills it from the ledger, and later the late record as one it has already folded.
      const late = pending.length > 1 && this.scheduler.faultsOn && this.random.chance(this.profile.reorderBatch / 2);
      if (late) {
        this.faults.reorderedBatches += 1;
        pending = pending.slice(1);
      }
      const record = (item: WrittenItem): DecodedStreamRecord => ({
        sequenceNumber: item.sequenceNumber,
        executionId: item.stored.event.executionId,
        seq: item.stored.event.seq,
        decoded: { ok: true, event: structuredClone(item.stored.event) },
      });
      let batch = pending.map(record);
      if (this.scheduler.faultsOn && this.streamCursor > 0 && this.random.chance(this.profile.duplicateRecords)) {
        this.faults.duplicatedRecords += 1;
        const again = this.ledger.written[this.random.int(0, this.streamCursor - 1)];
        if (again) batch.push(record(again));
      }
      if (this.scheduler.faultsOn && this.random.chance(this.profile.reorderBatch)) {
        this.faults.reorderedBatches += 1;
        batch = shuffle(this.random, batch);
      }
      const done = new Mailbox<number | undefined>(this.scheduler);
      // The projector's invocation: it may crash (the whole batch comes again) or fail some records (from there on).
      this.scheduler.spawn(
        'projector',
        this.scheduler.nowMs,
        async () => {
          const failed = await projector.projectBatch(batch);
          const firstFailed = pending.findIndex((item) =>
            failed({
              sequenceNumber: item.sequenceNumber,
              executionId: item.stored.event.executionId,
              seq: item.stored.event.seq,
              decoded: { ok: true, event: item.stored.event },
            }),
          );
          done.deliver(firstFailed === -1 ? pending.length : firstFailed);
        },
        { crashable: true },
      );
      const timeout = this.scheduler.nowMs + FUNCTION_TIMEOUT_MS;
      this.scheduler.at(timeout, 'projector timeout', () => done.deliver(undefined));
      const advanced = await done.receive();
      this.note(
        `   stream: ${batch.length} record(s) from ${pending[0]?.sequenceNumber ?? '?'}, ${advanced === undefined ? 'projector gave no answer' : `checkpoint +${advanced}`}`,
      );
      // The checkpoint never passes a record not yet delivered: after a late one, the next batch starts with it.
      if (advanced !== undefined && !late) this.streamCursor += advanced;
    }
  }

  /** Whether no handler invocation is still running (each answered or crashed). */
  get quiet(): boolean {
    return this.invocations.every((invocation) => invocation.response !== undefined || invocation.actor.crashed);
  }

  /** Whether the projector has been handed (and finished) every record written. */
  get streamDrained(): boolean {
    return this.streamCursor >= this.ledger.written.length;
  }

  private crashed(actor: Actor, label: string): void {
    this.faults.crashes += 1;
    this.note(`xx #${actor.id} ${actor.name} crashed before ${label}`);
    const box = this.mailboxes.get(actor);
    if (box) this.scheduler.at(this.scheduler.nowMs + FUNCTION_TIMEOUT_MS, 'timeout', () => box.deliver({ answered: false }));
  }

  /** The handler's one logger, as on Lambda and in serve: each line kept with the actor that wrote it. */
  private capturingLogger(): Logger {
    const logger = new Logger({ serviceName: 'execution-handler-sim', logLevel: 'INFO' });
    const sink = (text: unknown) => {
      const actor = this.scheduler.current;
      if (actor) this.logLines.push({ actor, line: JSON.parse(String(text)) as Record<string, unknown> });
    };
    const console = (logger as unknown as { console: Record<string, unknown> }).console;
    for (const method of ['log', 'info', 'warn', 'error', 'debug', 'trace']) console[method] = sink;
    return logger;
  }
}

const shuffle = <T>(random: SimRandom, items: T[]): T[] => {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i -= 1) {
    const j = random.int(0, i);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
};

/** Step Functions, behind the Workflow port: runs by name, stops, and the task tokens runs wait on. */
class SimWorkflow implements Workflow {
  constructor(private readonly world: SimWorld) {}

  async start(executionId: string, input: WorkflowInput): Promise<{ executionArn: string }> {
    return { executionArn: this.world.startRun(executionId, input) };
  }

  async stop(executionArn: string): Promise<void> {
    this.world.run(executionArn)?.stop();
  }

  async isWaiting(taskToken: string): Promise<boolean> {
    return this.world.runWaitingOn(taskToken) !== undefined;
  }

  async sendResume(taskToken: string): Promise<ResumeDelivery> {
    const run = this.world.runWaitingOn(taskToken);
    if (!run) return { ok: false, reason: 'TaskDoesNotExist', message: 'Task does not exist anymore' };
    run.resumed(taskToken);
    return { ok: true };
  }
}

/**
 * One run of the drill state machine (statemachine/drill.asl.json), step for step: wait 30 s, poll; RUNNING loops;
 * PAUSED waits for its task token; COMPLETED finalizes; FAILED and CANCELLED end the run. A task whose function
 * crashed is retried (Lambda.ServiceException, States.Timeout) and then caught back into the loop.
 */
export class SfnRun {
  waitingToken: string | undefined;
  private stopped = false;
  private tokens = 0;
  private wakeUp: Mailbox<string> | undefined;

  constructor(
    private readonly world: SimWorld,
    readonly executionArn: string,
    private readonly input: WorkflowInput,
  ) {}

  get ended(): boolean {
    return this.stopped;
  }

  stop(): void {
    this.stopped = true;
    this.world.note(`sfn ${this.input.executionId.slice(-4)} stopped`);
    if (this.waitingToken) this.resumed(this.waitingToken);
  }

  resumed(taskToken: string): void {
    if (taskToken !== this.waitingToken) return;
    this.waitingToken = undefined;
    this.wakeUp?.deliver(taskToken);
  }

  async drive(): Promise<void> {
    const { executionId, planId } = this.input;
    while (!this.stopped) {
      await this.world.scheduler.sleep(30_000, 'sfn wait');
      if (this.stopped) return;
      const poll = await this.task({ operation: 'poll', executionId, planId });
      const status = poll?.status;
      if (status === 'PAUSED') await this.waitForResume();
      else if (status === 'COMPLETED') {
        const finalized = await this.task({ operation: 'finalize', executionId, planId });
        if (finalized?.status === 'COMPLETED') return this.end();
      } else if (status === 'FAILED' || status === 'CANCELLED') return this.end();
    }
  }

  private end(): void {
    this.stopped = true;
  }

  /** A Lambda task with the ASL's retries; undefined when it kept failing (the Catch back into the loop). */
  private async task(event: Record<string, unknown>, surface: 'public' | 'internal' = 'public'): Promise<OperationResponse | undefined> {
    for (let attempt = 0; attempt < 4; attempt += 1) {
      const answer = await this.world.invoke(event, surface).receive();
      if (answer.answered) return answer.response;
      await this.world.scheduler.sleep(this.world.random.int(1, 15 * 2 ** attempt) * 1000, 'sfn retry');
    }
    return undefined;
  }

  private async waitForResume(): Promise<void> {
    this.tokens += 1;
    const token = `token-${this.executionArn.split(':').pop() ?? ''}-${this.tokens}-${'x'.repeat(40)}`;
    this.waitingToken = token;
    this.wakeUp = new Mailbox<string>(this.world.scheduler);
    const attached = await this.task(
      { operation: 'wait_for_resume', executionId: this.input.executionId, planId: this.input.planId, taskToken: token },
      'internal',
    );
    if (!attached || attached.statusCode !== 200) {
      // Catch: a failed wait_for_resume goes back to the paced loop (its token is abandoned).
      this.waitingToken = undefined;
      return;
    }
    if (this.waitingToken === undefined && this.wakeUp.delivered) return;
    await this.wakeUp.receive();
  }
}
