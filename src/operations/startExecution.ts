import {
  type AccountContext,
  type ExecutionType,
  isTerminal,
  recoverAsOfProblem,
  type StartedExecution,
  type VerifiedIdentity,
} from '../domain/execution';
import { totalServers } from '../domain/plan';
import { isBlocked, type ReadinessFinding } from '../domain/readiness';
import type { PlanClaim } from '../ports/planStore';
import type { OperationDeps } from './deps';
import { handleCommand } from './handleCommand';
import { react } from './reactions/react';
import { assessPlan, listedFindings } from './readiness';
import { startFacts } from './startFacts';
import { failure, fromRejection, ok, type OperationResponse } from './responses';
import { targetProblem } from './targetProblem';

export interface StartExecutionInput {
  planId: string;
  executionType: ExecutionType;
  initiatedBy: string;
  /** The principal the operator API verified; absent for a direct invocation. */
  identity?: VerifiedIdentity;
  /** No person starts it: the local drill's simulated operator (accepted only by a simulated stack's handler). */
  simulated?: boolean;
  accountContext?: AccountContext;
  /** Recover every server from its newest completed snapshot at or before this ISO-8601 instant. */
  recoverAsOf?: string;
  /** A DRILL's keep-alive after its end, overriding the plan's drillKeepAliveMinutes (validated by the domain). */
  keepAliveMinutes?: number;
  /** Start despite BLOCKING preflight findings: why (recorded as an accepted deviation, with who accepted it). */
  override?: { reason: string };
}

/** A claim may be taken over when its execution ended, or when its start never reached the ledger. */
const isStale = async (deps: OperationDeps, holder: PlanClaim): Promise<boolean> => {
  const { state } = await deps.store.load(holder.executionId);
  if (isTerminal(state)) return true;
  if (state.status !== 'NOT_STARTED') return false;
  const ageSeconds = (Date.parse(deps.now()) - Date.parse(holder.claimedAt)) / 1000;
  return ageSeconds >= deps.config.planClaimGraceSeconds;
};

type ClaimOutcome = { ok: true } | { ok: false; response: OperationResponse };

const claimPlan = async (deps: OperationDeps, planId: string, claim: PlanClaim): Promise<ClaimOutcome> => {
  const first = await deps.plans.claim(planId, claim);
  if (first.ok) return first;
  if (first.reason === 'PlanNotFound') return { ok: false, response: planNotFound(planId) };
  if (await isStale(deps, first.holder)) {
    deps.log.warn('Taking over a stale plan claim', { staleExecutionId: first.holder.executionId });
    const second = await deps.plans.claim(planId, claim, first.holder);
    if (second.ok) return second;
    if (second.reason === 'PlanNotFound') return { ok: false, response: planNotFound(planId) };
    return { ok: false, response: planBusy(planId, second.holder) };
  }
  return { ok: false, response: planBusy(planId, first.holder) };
};

const planNotFound = (planId: string) => failure(404, 'PLAN_NOT_FOUND', `Recovery plan not found: ${planId}`);

/** The findings a refusal names in its message: enough to act on, the whole list beside it. */
const NAMED_IN_MESSAGE = 3;

const preflightBlocked = (planId: string, findings: ReadinessFinding[], totals: { blocking: number; warning: number }) => {
  const listed = listedFindings(findings);
  const named = listed.findings
    .slice(0, NAMED_IN_MESSAGE)
    .map((finding) => `${finding.code}${finding.serverId ? ` (${finding.serverId})` : ''}`)
    .join(', ');
  const more = totals.blocking > NAMED_IN_MESSAGE ? ', ...' : '';
  return failure(
    409,
    'PREFLIGHT_BLOCKED',
    `Recovery plan ${planId} is not ready to start: ${totals.blocking} BLOCKING finding(s): ${named}${more}. Start with an override (a reason) to go ahead anyway.`,
    { planId, ...listed, totals },
  );
};

const planBusy = (planId: string, holder: PlanClaim) =>
  failure(409, 'EXECUTION_CONFLICT', `Recovery plan ${planId} already has an active execution: ${holder.executionId}`, {
    activeExecutionId: holder.executionId,
  });

/**
 * start_execution: claim the plan's single active slot, record ExecutionStarted (with the plan as it
 * is now), start the state machine, and launch wave 1 in DRS.
 */
export const startExecution = async (deps: OperationDeps, input: StartExecutionInput): Promise<OperationResponse> => {
  // 0. A moment to recover as of that cannot be (malformed, future, beyond DRS's retention) is refused before any write.
  const asOfProblem = input.recoverAsOf === undefined ? undefined : recoverAsOfProblem(input.recoverAsOf, deps.now());
  if (asOfProblem) return failure(400, 'INVALID_RECOVER_AS_OF', asOfProblem);
  // 1. The plan must exist. Its slot is then claimed with a conditional write (no read-then-write race).
  const stored = await deps.plans.get(input.planId);
  if (!stored) return planNotFound(input.planId);
  // The plan owns its target; a start that names another, or one this deployment may not reach, writes nothing.
  const targetRefused = targetProblem(deps, stored.plan, input.accountContext);
  if (targetRefused) return failure(400, 'INVALID_PARAMETERS', targetRefused);
  if (input.keepAliveMinutes !== undefined && input.executionType !== 'DRILL') {
    return failure(
      400,
      'INVALID_PARAMETERS',
      `keepAliveMinutes applies to a DRILL only: a ${input.executionType}'s recovery instances are never terminated`,
    );
  }
  const executionId = deps.newExecutionId();
  // A plan that is busy is answered as such: its own execution's jobs are no finding of preflight's.
  if (stored.claim && !(await isStale(deps, stored.claim))) return planBusy(input.planId, stored.claim);
  // Preflight first: a BLOCKING finding without an override refuses the start before anything is written.
  const readiness = await assessPlan(deps, {
    plan: stored.plan,
    executionType: input.executionType,
    onBehalfOf: executionId,
    ...(input.identity ? { identity: input.identity } : {}),
    ...(input.recoverAsOf === undefined ? {} : { recoverAsOf: input.recoverAsOf }),
  });
  if (isBlocked(readiness.findings) && !input.override) return preflightBlocked(input.planId, readiness.findings, readiness.totals);
  const startedAt = deps.now();
  const claimed = await claimPlan(deps, input.planId, { executionId, claimedAt: startedAt });
  if (!claimed.ok) return claimed.response;

  // 2. Record the start; wave 1 is claimed in the same decision unless the plan pauses before it. The start says
  // where it runs (DRS simulated or not, the function's account, the sources), so every report can say so.
  let outcome;
  try {
    const facts = await startFacts(deps, executionId, stored.plan, input.identity);
    outcome = await handleCommand(deps, await deps.store.load(executionId), () => ({
      type: 'StartExecution',
      executionId,
      plan: stored.plan,
      executionType: input.executionType,
      initiatedBy: input.initiatedBy,
      ...(input.identity ? { identity: input.identity } : {}),
      ...(input.simulated === true ? { simulated: true } : {}),
      ...(input.accountContext ? { accountContext: input.accountContext } : {}),
      ...(input.recoverAsOf === undefined ? {} : { recoverAsOf: input.recoverAsOf }),
      ...(input.keepAliveMinutes === undefined ? {} : { keepAliveMinutes: input.keepAliveMinutes }),
      targetRoleName: deps.config.crossAccountRoleName,
      serversPerJob: deps.config.serversPerJob,
      ...facts,
      readiness: { findings: readiness.findings, ...(input.override ? { override: input.override } : {}) },
      at: startedAt,
    }));
  } catch (error) {
    await deps.plans.release(input.planId, executionId);
    throw error;
  }
  if (!outcome.ok) {
    await deps.plans.release(input.planId, executionId);
    return fromRejection(executionId, outcome.rejection);
  }

  // 3. The state machine paces the execution; without one, the scheduled find drives it alone.
  let executionArn: string | undefined;
  const workflow = await deps.workflow();
  if (workflow) {
    try {
      executionArn = (await workflow.start(executionId, { executionId, planId: input.planId })).executionArn;
    } catch (error) {
      // The execution is on record and the scheduled find keeps polling it: a missing pacer is not fatal.
      deps.log.error('State machine did not start; the scheduled find will drive the execution', { error: String(error) });
    }
  }
  if (executionArn) {
    const arn = executionArn;
    const attached = await handleCommand(deps, outcome.loaded, () => ({
      type: 'AttachStateMachine',
      executionArn: arn,
      at: deps.now(),
    }));
    if (!attached.ok) deps.log.warn('State machine not attached', { kind: attached.rejection.kind });
    // The claim of wave 1 stays this writer's: only the stream moves on.
    outcome = { ...outcome, loaded: attached.loaded };
  }

  // 4. Launch wave 1 (the claim in step 2 makes this writer its only launcher).
  const state = (await react(deps, outcome)).state as StartedExecution;
  deps.log.info('Execution started', { executionId, status: state.status });
  return ok({
    executionId,
    planId: input.planId,
    status: state.status,
    executionType: input.executionType,
    stepFunctionArn: executionArn ?? null,
    startTime: startedAt,
    totalWaves: stored.plan.waves.length,
    totalServers: totalServers(stored.plan),
    currentWave: state.currentWave,
    ...(input.recoverAsOf === undefined ? {} : { recoverAsOf: input.recoverAsOf }),
  });
};
