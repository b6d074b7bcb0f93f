import type { z } from 'zod';
import { attachStateMachine } from '../operations/attachStateMachine';
import { cancel } from '../operations/cancel';
import { decline } from '../operations/decline';
import type { OperationDeps } from '../operations/deps';
import { finalize } from '../operations/finalize';
import { find } from '../operations/find';
import { getExecutionDetails } from '../operations/getExecutionDetails';
import type { OperatorInput } from '../operations/inputs';
import { pause } from '../operations/pause';
import { poll } from '../operations/poll';
import { preflight } from '../operations/preflight';
import { failure, type OperationResponse } from '../operations/responses';
import { resume } from '../operations/resume';
import { startExecution } from '../operations/startExecution';
import { waitForResume } from '../operations/waitForResume';
import { retryWave, skipWave } from '../operations/waveRecovery';
import {
  attachStateMachineRequest,
  findRequest,
  finalizeRequest,
  getExecutionDetailsRequest,
  operatorRequest,
  pollRequest,
  preflightRequest,
  startExecutionRequest,
  waitForResumeRequest,
  waveRecoveryRequest,
} from './requestSchemas';

/** What a runner knows of its invocation beyond the request: this function's own name, for find's self-invocations. */
export interface RunContext {
  functionName: string;
}

/**
 * `contract`: one of the contract's operations (../shared/spec/execution-handler-operations.md), listed in
 * UNKNOWN_OPERATION's `supportedOperations`; `additional`: beyond it, listed in `additionalOperations`.
 */
export type OperationKind = 'contract' | 'additional';

/**
 * `public`: the execution-handler answers it; `internal`: only the internal function does, which only the drill
 * state machine's role may invoke (serverless.yml), so no operator can hand the ledger a task token.
 */
export type OperationSurface = 'public' | 'internal';

interface Definition<Schema extends z.ZodType, Kind extends OperationKind> {
  kind: Kind;
  surface?: OperationSurface;
  schema: Schema;
  /** In the order the MISSING_PARAMETERS message names them. */
  required: readonly (keyof z.output<Schema> & string)[];
  run: (deps: OperationDeps, input: z.output<Schema>, context: RunContext) => Promise<OperationResponse>;
}

/** Ties one operation's runner to its schema's output, so the runner's input needs no annotation and no cast. */
const define = <Schema extends z.ZodType, Kind extends OperationKind>(definition: Definition<Schema, Kind>) => definition;

/** Who an operator request is recorded as, when the caller does not say. */
export const UNIDENTIFIED_CALLER = 'unidentified-caller';

/**
 * A simulated operator (`simulatedOperator: true`) acts only on a stack whose DRS and operators are simulated:
 * the local stack (DRS_LEDGER_LOCAL). A deployed handler refuses the field, naming it, and writes nothing: its
 * ledger records people.
 */
const simulatedOperatorRefused = (deps: OperationDeps, requested: boolean | undefined): OperationResponse | undefined =>
  requested === true && !deps.config.localCredentials
    ? failure(
        400,
        'INVALID_PARAMETERS',
        'simulatedOperator is accepted only by a local, simulated stack: this deployment records who acted, never a simulated operator',
        { invalidParameters: ['simulatedOperator'] },
      )
    : undefined;

/** Runs an operator's request unless it names a simulated operator this stack does not accept. */
const asOperator =
  (run: (deps: OperationDeps, input: OperatorInput) => Promise<OperationResponse>) =>
  (deps: OperationDeps, input: z.output<typeof operatorRequest>): Promise<OperationResponse> =>
    Promise.resolve(simulatedOperatorRefused(deps, input.simulatedOperator) ?? run(deps, operatorOf(input)));

const operatorOf = (input: z.output<typeof operatorRequest>): OperatorInput => ({
  executionId: input.executionId,
  planId: input.planId,
  requestedBy: input.requestedBy ?? input.initiatedBy ?? UNIDENTIFIED_CALLER,
  ...(input.simulatedOperator === true ? { simulated: true } : {}),
  ...(input.reason === undefined ? {} : { reason: input.reason }),
  ...(input.comment === undefined ? {} : { comment: input.comment }),
  ...(input.ticket === undefined ? {} : { ticket: input.ticket }),
});

/**
 * THE list of the execution-handler's operations: each one's kind, request schema, required fields and
 * runner. Every other list of names (the error answers', the fuzz tests') is derived from it. The
 * contract's operations come first, in the contract's order; that is the order UNKNOWN_OPERATION lists.
 */
const DEFINITIONS = {
  find: define({
    kind: 'contract',
    schema: findRequest,
    required: [],
    run: (deps, _input, { functionName }) => find(deps, functionName),
  }),
  poll: define({
    kind: 'contract',
    schema: pollRequest,
    required: ['executionId', 'planId'],
    run: (deps, input) => poll(deps, input),
  }),
  finalize: define({
    kind: 'contract',
    schema: finalizeRequest,
    required: ['executionId', 'planId'],
    run: (deps, input) => finalize(deps, input),
  }),
  pause: define({
    kind: 'contract',
    schema: operatorRequest,
    required: ['executionId', 'planId'],
    run: asOperator(pause),
  }),
  resume: define({
    kind: 'contract',
    schema: operatorRequest,
    required: ['executionId', 'planId'],
    run: asOperator(resume),
  }),
  start_execution: define({
    kind: 'contract',
    schema: startExecutionRequest,
    required: ['planId', 'executionType', 'initiatedBy'],
    run: async (deps, input) => {
      const refused = simulatedOperatorRefused(deps, input.simulatedOperator);
      if (refused) return refused;
      const roleName = input.accountContext?.roleName;
      if (roleName !== undefined && roleName !== deps.config.crossAccountRoleName) {
        return failure(400, 'INVALID_PARAMETERS', `accountContext.roleName must be ${deps.config.crossAccountRoleName}`);
      }
      return startExecution(deps, {
        planId: input.planId,
        executionType: input.executionType,
        initiatedBy: input.initiatedBy,
        ...(input.simulatedOperator === true ? { simulated: true } : {}),
        ...(input.accountContext ? { accountContext: input.accountContext } : {}),
        ...(input.recoverAsOf === undefined ? {} : { recoverAsOf: input.recoverAsOf }),
        ...(input.keepAliveMinutes === undefined ? {} : { keepAliveMinutes: input.keepAliveMinutes }),
        ...(input.override ? { override: input.override } : {}),
      });
    },
  }),
  get_execution_details: define({
    kind: 'contract',
    schema: getExecutionDetailsRequest,
    required: ['executionId'],
    run: (deps, input) => {
      const planId = input.queryParams?.planId ?? input.planId;
      return getExecutionDetails(deps, { executionId: input.executionId, ...(planId ? { planId } : {}) });
    },
  }),
  // Beyond the contract: cancel (its clients already wait for CANCELLED), the state machine's resume wait,
  // and the first step of a state machine run that continued as new.
  cancel: define({
    kind: 'additional',
    schema: operatorRequest,
    required: ['executionId', 'planId'],
    run: asOperator(cancel),
  }),
  // An approver's refusal of the wave a pause waits for: verified principals only, so a direct invocation's
  // attempt is recorded and refused; it exists here so that attempt is evidence too.
  decline: define({
    kind: 'additional',
    schema: operatorRequest,
    required: ['executionId', 'planId', 'comment'],
    // Declining is an approver's decision: a simulated operator has none to give.
    run: (deps, input) =>
      input.simulatedOperator === true
        ? Promise.resolve(
            failure(400, 'INVALID_PARAMETERS', 'simulatedOperator cannot decline: only a verified approver may', {
              invalidParameters: ['simulatedOperator'],
            }),
          )
        : decline(deps, operatorOf(input)),
  }),
  // A wave that failed under the plan's onWaveFailure PAUSE: relaunch its failed servers, or skip it with a reason.
  retry_wave: define({
    kind: 'additional',
    schema: waveRecoveryRequest,
    required: ['executionId', 'planId', 'waveNumber', 'requestedBy'],
    run: (deps, input) =>
      retryWave(deps, {
        executionId: input.executionId,
        planId: input.planId,
        waveNumber: input.waveNumber,
        ...(input.retryRound === undefined ? {} : { retryRound: input.retryRound }),
        requestedBy: input.requestedBy,
      }),
  }),
  skip_wave: define({
    kind: 'additional',
    schema: waveRecoveryRequest,
    required: ['executionId', 'planId', 'waveNumber', 'reason', 'requestedBy'],
    run: (deps, input) =>
      skipWave(deps, {
        executionId: input.executionId,
        planId: input.planId,
        waveNumber: input.waveNumber,
        requestedBy: input.requestedBy,
        ...(input.reason === undefined ? {} : { reason: input.reason }),
      }),
  }),
  // Readiness of a plan before a start: reads DRS, writes nothing.
  preflight: define({
    kind: 'additional',
    schema: preflightRequest,
    required: ['planId'],
    run: (deps, input) =>
      preflight(deps, {
        planId: input.planId,
        executionType: input.executionType ?? 'DRILL',
        ...(input.recoverAsOf === undefined ? {} : { recoverAsOf: input.recoverAsOf }),
      }),
  }),
  wait_for_resume: define({
    kind: 'additional',
    surface: 'internal',
    schema: waitForResumeRequest,
    required: ['executionId', 'planId', 'taskToken'],
    run: (deps, input) => waitForResume(deps, input),
  }),
  attach_state_machine: define({
    kind: 'additional',
    surface: 'internal',
    schema: attachStateMachineRequest,
    required: ['executionId', 'planId', 'executionArn', 'generation'],
    run: (deps, input) => attachStateMachine(deps, input),
  }),
};

export type OperationName = keyof typeof DEFINITIONS;
export type ContractOperationName = {
  [K in OperationName]: (typeof DEFINITIONS)[K]['kind'] extends 'contract' ? K : never;
}[OperationName];
export type AdditionalOperationName = Exclude<OperationName, ContractOperationName>;

/** An operation's validated input: its schema's output. */
export type OperationInput<K extends OperationName> = z.output<(typeof DEFINITIONS)[K]['schema']>;

export type Runner<K extends OperationName> = (
  deps: OperationDeps,
  input: OperationInput<K>,
  context: RunContext,
) => Promise<OperationResponse>;

export interface OperationSpec<K extends OperationName> {
  readonly kind: OperationKind;
  readonly surface?: OperationSurface;
  readonly schema: z.ZodType<OperationInput<K>>;
  readonly required: readonly string[];
  readonly run: Runner<K>;
}

/**
 * The table, typed per name: indexed with a generic `K`, it gives `OperationSpec<K>`, so
 * `OPERATIONS[name].schema.safeParse` yields `OperationInput<K>` and `OPERATIONS[name].run` takes it.
 */
export const OPERATIONS: { readonly [K in OperationName]: OperationSpec<K> } = DEFINITIONS;

/** A validated request: an operation and its input, correlated. */
export type ValidRequest<K extends OperationName = OperationName> = {
  [P in K]: { operation: P; input: OperationInput<P> };
}[K];

const namesOf = (kind: OperationKind) => (Object.keys(OPERATIONS) as OperationName[]).filter((name) => OPERATIONS[name].kind === kind);

/** The contract's seven operations, in its order; the error for an unknown one lists exactly these. */
export const SUPPORTED_OPERATIONS: readonly ContractOperationName[] = Object.freeze(namesOf('contract') as ContractOperationName[]);
/** The operations beyond the contract, listed apart in the error for an unknown one. */
export const ADDITIONAL_OPERATIONS: readonly AdditionalOperationName[] = Object.freeze(namesOf('additional') as AdditionalOperationName[]);

export const isOperationName = (name: string): name is OperationName => Object.hasOwn(OPERATIONS, name);

export const surfaceOf = (name: OperationName): OperationSurface => OPERATIONS[name].surface ?? 'public';

/** The operations only the internal function answers. */
export const INTERNAL_OPERATIONS: readonly OperationName[] = Object.freeze(
  (Object.keys(OPERATIONS) as OperationName[]).filter((name) => surfaceOf(name) === 'internal'),
);
