import fc from 'fast-check';
import {
  decide,
  type ExecutionCommand,
  type ExecutionEvent,
  type ExecutionState,
  fold,
  initialState,
  type LaunchStatus,
  type ServerObservation,
  type StartedExecution,
  type VerifiedIdentity,
  type WaveState,
  WAVE_START_LEASE_MS,
} from '../../../src/domain/execution';
import type { ApprovalRule, RecoveryPlan } from '../../../src/domain/plan';

export const OPERATOR = 'ops@example.com';
export const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
export const at = (seconds: number): string => new Date(T0 + seconds * 1000).toISOString();
export const serverId = (n: number): string => `s-${String(n).padStart(17, '0')}`;
export const drsJobId = (n: number): string => `drsjob-${String(n).padStart(17, '0')}`;

/** Runs commands through the real decider; a rejected command throws (for hand-written scenarios). */
export class History {
  readonly events: ExecutionEvent[] = [];
  state: ExecutionState = initialState();

  constructor(
    readonly executionId: string,
    readonly plan: RecoveryPlan,
  ) {}

  start(atSecond = 0, extra: Partial<Extract<ExecutionCommand, { type: 'StartExecution' }>> = {}): this {
    return this.run({
      type: 'StartExecution',
      executionId: this.executionId,
      plan: this.plan,
      executionType: 'DRILL',
      initiatedBy: OPERATOR,
      at: at(atSecond),
      ...extra,
    });
  }

  run(command: ExecutionCommand): this {
    const decision = decide(command, this.state);
    if (!decision.ok) throw new Error(`${command.type} rejected: ${JSON.stringify(decision.rejection)}`);
    this.events.push(...decision.events);
    this.state = fold(decision.events, this.state);
    return this;
  }

  /** Starts wave `waveNumber` with every server PENDING in the job. */
  waveStarted(waveNumber: number, atSecond: number): this {
    const wave = this.plan.waves[waveNumber - 1];
    if (!wave) throw new Error(`no wave ${waveNumber}`);
    return this.run({
      type: 'RecordWaveStarted',
      waveNumber,
      drsJobId: drsJobId(waveNumber),
      servers: wave.sourceServerIds.map((id) => ({ serverId: id, launchStatus: 'PENDING', hostname: `host-${id.slice(-2)}` })),
      at: at(atSecond),
    });
  }

  /** Observes every server of the wave LAUNCHED and the job COMPLETED. */
  waveLaunched(waveNumber: number, atSecond: number): this {
    const wave = this.plan.waves[waveNumber - 1];
    if (!wave) throw new Error(`no wave ${waveNumber}`);
    return this.run({
      type: 'ObserveWave',
      waveNumber,
      drsJobStatus: 'COMPLETED',
      servers: wave.sourceServerIds.map((id) => ({ serverId: id, launchStatus: 'LAUNCHED', recoveryInstanceId: `i-${id.slice(-17)}` })),
      at: at(atSecond),
    });
  }
}

export const twoWavePlan = (planId = 'rp-two-waves'): RecoveryPlan => ({
  planId,
  planName: 'Production DR Plan',
  rtoTargetMinutes: 60,
  waves: [
    { waveName: 'Database Tier', sourceServerIds: [serverId(1), serverId(2)] },
    { waveName: 'Application Tier', sourceServerIds: [serverId(3)], pauseBeforeWave: true },
  ],
});

// ---- random histories -------------------------------------------------------------------------

type StepKind =
  | 'Advance'
  | 'RecordWaveStarted'
  | 'RecordWaveStartFailure'
  | 'ReclaimWaveStart'
  | 'ObserveWave'
  | 'RequestPause'
  | 'Resume'
  | 'RequestCancel'
  | 'Finalize'
  | 'Fail'
  | 'AttachStateMachine'
  | 'RecordNotification'
  | 'Decline'
  | 'ExpireApproval';

/** One random command, made concrete against the state it meets. */
export interface Step {
  kind: StepKind;
  pick: number;
  flag: boolean;
  /** Per server of the targeted wave: how the job or the observation reports it. */
  statuses: number[];
  /** Histories with approvals: who resumes or declines (see callerOf); absent: an unverified operator. */
  who?: number;
}

/** The principals of histories with approvals: alice starts, bob may approve, mallory is no approver. */
export const STARTER = 'arn:aws:iam::123456789012:user/alice';
export const APPROVER = 'arn:aws:iam::123456789012:user/bob';
export const STRANGER = 'arn:aws:iam::999999999999:user/mallory';
const APPROVER_PATTERNS = ['arn:aws:iam::123456789012:user/*'];

/** An unverified operator, bob, alice (who started it, an approver too unless the starter is excluded) or mallory. */
const callerOf = (step: Step): { identity?: VerifiedIdentity } => {
  switch ((step.who ?? 0) % 4) {
    case 1:
      return { identity: { principal: APPROVER, claim: 'Bob' } };
    case 2:
      return { identity: { principal: STARTER } };
    case 3:
      return { identity: { principal: STRANGER, claim: 'mallory' } };
    default:
      return {};
  }
};

const weighted = (kind: StepKind, weight: number) => ({ arbitrary: fc.constant(kind), weight });

export const stepArb: fc.Arbitrary<Step> = fc.record({
  kind: fc.oneof(
    // Terminal commands are rare, so that many histories get through several waves first.
    weighted('ObserveWave', 60),
    weighted('RecordWaveStarted', 36),
    weighted('Resume', 24),
    weighted('Finalize', 18),
    weighted('RecordNotification', 9),
    weighted('RequestPause', 6),
    weighted('RecordWaveStartFailure', 6),
    weighted('Advance', 6),
    weighted('ReclaimWaveStart', 3),
    weighted('AttachStateMachine', 3),
    weighted('RequestCancel', 2),
    weighted('Fail', 1),
  ),
  pick: fc.nat(20),
  flag: fc.boolean(),
  statuses: fc.array(fc.nat(19), { maxLength: 4 }),
});

/** A wave's approval rule, or none: the starter excluded or not, a deadline a few steps away or none, either onTimeout. */
const approvalArb: fc.Arbitrary<ApprovalRule | undefined> = fc.option(
  fc
    .record({
      excludeStarter: fc.boolean(),
      timeout: fc.boolean(),
      onTimeout: fc.constantFrom('CANCEL' as const, 'CONTINUE' as const),
    })
    .map(({ excludeStarter, timeout, onTimeout }): ApprovalRule => ({
      approvers: APPROVER_PATTERNS,
      excludeStarter,
      // onTimeout only with a timeout: without one it never applies, and plans may not say it.
      ...(timeout ? { timeoutMinutes: 3, onTimeout } : {}),
    })),
  { nil: undefined, freq: 2 },
);

/** Random plans whose waves may require approval (see approvalArb). */
export const approvalPlanArb = (planId: string): fc.Arbitrary<RecoveryPlan> =>
  fc.tuple(planArb(planId), fc.array(approvalArb, { minLength: 4, maxLength: 4 })).map(([plan, rules]) => ({
    ...plan,
    waves: plan.waves.map((wave, index) => {
      const approval = rules[index];
      return approval ? { ...wave, approval } : wave;
    }),
  }));

export const planArb = (planId: string): fc.Arbitrary<RecoveryPlan> =>
  fc
    .array(fc.record({ servers: fc.integer({ min: 1, max: 3 }), pauseBeforeWave: fc.nat(3).map((n) => n === 0) }), {
      minLength: 1,
      maxLength: 4,
    })
    .map((waves) => {
      let next = 0;
      return {
        planId,
        planName: `Plan ${planId}`,
        waves: waves.map((wave, index) => ({
          waveName: `Wave ${index + 1}`,
          sourceServerIds: Array.from({ length: wave.servers }, () => serverId((next += 1))),
          ...(wave.pauseBeforeWave ? { pauseBeforeWave: true } : {}),
        })),
      };
    });

export interface HistorySpec {
  plan: RecoveryPlan;
  executionType: 'DRILL' | 'RECOVERY';
  withAccount: boolean;
  steps: Step[];
  /** Started through the operator API, by alice; otherwise by a direct invocation. */
  verifiedStart?: boolean;
}

export const historySpecArb = (planId: string, maxSteps = 30): fc.Arbitrary<HistorySpec> =>
  fc.record({
    plan: planArb(planId),
    executionType: fc.constantFrom('DRILL' as const, 'RECOVERY' as const),
    withAccount: fc.boolean(),
    steps: fc.array(stepArb, { maxLength: maxSteps, size: 'max' }),
  });

/** Steps that also decline, let approvals time out, and approve or decline as various callers. */
const approvalStepArb: fc.Arbitrary<Step> = fc
  .tuple(
    fc.oneof({ arbitrary: stepArb.map((step) => step.kind), weight: 10 }, fc.constantFrom<StepKind>('Decline', 'ExpireApproval', 'Resume')),
    stepArb,
    fc.nat(3),
  )
  .map(([kind, step, who]) => ({ ...step, kind, who }));

/** Histories of plans whose waves may require approval, started verified or not, approved and declined by anyone. */
export const approvalHistorySpecArb = (planId: string, maxSteps = 40): fc.Arbitrary<HistorySpec> =>
  fc.record({
    plan: approvalPlanArb(planId),
    executionType: fc.constantFrom('DRILL' as const, 'RECOVERY' as const),
    withAccount: fc.constant(false),
    steps: fc.array(approvalStepArb, { maxLength: maxSteps, size: 'max' }),
    verifiedStart: fc.boolean(),
  });

const targetWave = (state: StartedExecution, step: Step, wanted: WaveState['status']): WaveState | undefined =>
  state.waves.find((wave) => wave.status === wanted) ?? state.waves[step.pick % state.waves.length];

const jobStatus = (code: number): LaunchStatus | undefined =>
  code < 1 ? undefined : code < 14 ? 'PENDING' : code < 17 ? 'IN_PROGRESS' : code < 19 ? 'LAUNCHED' : 'FAILED';

const observedStatus = (code: number): LaunchStatus | undefined =>
  code < 2 ? undefined : code < 4 ? 'PENDING' : code < 6 ? 'IN_PROGRESS' : code < 18 ? 'LAUNCHED' : code < 19 ? 'FAILED' : 'TERMINATED';

const observation = (id: string, status: LaunchStatus, step: Step): ServerObservation => ({
  serverId: id,
  launchStatus: status,
  ...(status === 'LAUNCHED' ? { recoveryInstanceId: `i-${id.slice(-17)}` } : {}),
  ...(status === 'FAILED' ? { failureReason: 'LAUNCH_FAILED: insufficient capacity' } : {}),
  ...(step.flag ? { hostname: `host-${id.slice(-3)}` } : {}),
});

const observations = (wave: WaveState, step: Step, status: (code: number) => LaunchStatus | undefined): ServerObservation[] =>
  wave.servers.flatMap((server, index) => {
    const code = step.statuses[index] ?? 10;
    const seen = status(code);
    return seen ? [observation(server.serverId, seen, step)] : [];
  });

/** A concrete command for a step, aimed at the state it meets (the decider may still refuse it). */
const commandFor = (state: StartedExecution, step: Step, time: string): ExecutionCommand => {
  switch (step.kind) {
    case 'Advance':
      return { type: 'Advance', at: time };
    case 'RecordWaveStarted': {
      const wave = targetWave(state, step, 'STARTING');
      const servers = wave ? observations(wave, step, jobStatus) : [];
      return { type: 'RecordWaveStarted', waveNumber: wave?.waveNumber ?? 1, drsJobId: drsJobId(state.version), servers, at: time };
    }
    case 'RecordWaveStartFailure': {
      const wave = targetWave(state, step, 'STARTING');
      return {
        type: 'RecordWaveStartFailure',
        waveNumber: wave?.waveNumber ?? 1,
        error:
          step.pick % 4 ? { code: 'ThrottlingException', message: 'Rate exceeded' } : { code: 'ValidationException', message: 'refused' },
        retryable: step.pick % 4 !== 0,
        at: time,
      };
    }
    case 'ReclaimWaveStart':
      return { type: 'ReclaimWaveStart', waveNumber: targetWave(state, step, 'STARTING')?.waveNumber ?? 1, at: time };
    case 'ObserveWave': {
      const wave = targetWave(state, step, 'IN_PROGRESS');
      // A job that completes early with servers not launched fails the wave: keep that the rarer case.
      const drsJobStatus = step.pick % 6 === 0 ? 'COMPLETED' : step.pick % 6 === 1 ? 'PENDING' : 'STARTED';
      return {
        type: 'ObserveWave',
        waveNumber: wave?.waveNumber ?? 1,
        drsJobStatus,
        servers: wave ? observations(wave, step, observedStatus) : [],
        at: time,
      };
    }
    case 'RequestPause':
      return { type: 'RequestPause', requestedBy: OPERATOR, at: time };
    case 'Resume':
      return {
        type: 'Resume',
        resumedBy: OPERATOR,
        ...callerOf(step),
        ...(step.who !== undefined && step.flag ? { comment: 'checked the databases', ticket: `CHG${step.pick}` } : {}),
        at: time,
      };
    case 'Decline':
      return { type: 'Decline', requestedBy: OPERATOR, ...callerOf(step), comment: step.flag ? 'not in this window' : ' ', at: time };
    case 'ExpireApproval':
      return { type: 'ExpireApproval', at: time };
    case 'RequestCancel':
      return { type: 'RequestCancel', requestedBy: OPERATOR, ...(step.flag ? { reason: 'drill window closed' } : {}), at: time };
    case 'Finalize':
      return { type: 'Finalize', at: time };
    case 'Fail':
      return { type: 'Fail', reason: 'operator aborted', at: time };
    case 'AttachStateMachine':
      return {
        type: 'AttachStateMachine',
        executionArn: `arn:aws:states:us-east-1:123456789012:execution:dr:${state.executionId}-${step.pick % 2}`,
        at: time,
      };
    case 'RecordNotification':
      return {
        type: 'RecordNotification',
        forSeq: (step.pick % state.version) + 1,
        outcome: step.flag ? { messageId: `msg-${step.pick}` } : { error: { code: 'SNS', message: 'unavailable' } },
        at: time,
      };
  }
};

export interface GeneratedHistory {
  events: ExecutionEvent[];
  /** The domain state after each prefix: states[i] is the state after events[0..i]. */
  states: ExecutionState[];
  state: ExecutionState;
}

/** Plays a spec through the real decide: StartExecution, then each step that the decider accepts. */
export const playHistory = (executionId: string, spec: HistorySpec): GeneratedHistory => {
  const events: ExecutionEvent[] = [];
  const states: ExecutionState[] = [];
  let state: ExecutionState = initialState();
  let clock = 0;
  const apply = (command: ExecutionCommand) => {
    const decision = decide(command, state);
    if (!decision.ok) return;
    for (const event of decision.events) {
      state = fold([event], state);
      events.push(event);
      states.push(state);
    }
  };
  apply({
    type: 'StartExecution',
    executionId,
    // A plan with a target, started naming it (as the contract's example does).
    plan: spec.withAccount ? { ...spec.plan, target: { accountId: '123456789012', region: 'us-east-1' } } : spec.plan,
    executionType: spec.executionType,
    initiatedBy: OPERATOR,
    ...(spec.verifiedStart ? { identity: { principal: STARTER, claim: 'alice' } } : {}),
    ...(spec.withAccount ? { accountContext: { accountId: '123456789012', region: 'us-east-1', roleName: 'DRSOrchestrationRole' } } : {}),
    at: at(clock),
  });
  for (const step of spec.steps) {
    // A reclaim needs the start lease to have expired; everything else comes 30 s apart.
    clock += step.kind === 'ReclaimWaveStart' ? WAVE_START_LEASE_MS / 1000 + 60 : 30 + step.pick;
    if (state.status === 'NOT_STARTED') break;
    apply(commandFor(state, step, at(clock)));
  }
  return { events, states, state };
};

/** The same events under another execution id (their hash chain is computed when they are appended). */
export const renamed = (events: readonly ExecutionEvent[], executionId: string): ExecutionEvent[] =>
  events.map((event) => ({ ...event, executionId }));
