import {
  type AccountContext,
  type ExecutionSimulation,
  MAX_SOURCE_ORIGINS,
  type SourceOrigin,
  type VerifiedIdentity,
} from '../domain/execution';
import { recordedTarget, type RecoveryPlan } from '../domain/plan';
import type { OperationDeps } from './deps';
import { drsAccountOf } from './drsAccount';

/** What a start records about where it runs, beside the plan: DRS simulated or not, the function's account, the sources. */
export interface StartFacts {
  simulation?: ExecutionSimulation;
  functionAccount: { region: string; accountId?: string };
  sourceOrigins?: SourceOrigin[];
}

/** The largest groups, and the rest counted in one more. */
const bounded = (origins: SourceOrigin[]): SourceOrigin[] => {
  if (origins.length <= MAX_SOURCE_ORIGINS) return origins;
  const sorted = [...origins].sort((a, b) => b.servers - a.servers);
  const kept = sorted.slice(0, MAX_SOURCE_ORIGINS - 1);
  const rest = sorted.slice(MAX_SOURCE_ORIGINS - 1).reduce((sum, origin) => sum + origin.servers, 0);
  return [...kept, { servers: rest, more: true }];
};

/**
 * Asks DRS, in the plan's target account, where the plan's source servers run. A start never fails for it:
 * without an answer the ledger records none, and reports say the source was not reported.
 */
const sourceOriginsOf = async (
  deps: OperationDeps,
  executionId: string,
  plan: RecoveryPlan,
  identity: VerifiedIdentity | undefined,
): Promise<SourceOrigin[] | undefined> => {
  const target: AccountContext | undefined = recordedTarget(plan, deps.config.crossAccountRoleName);
  const account = drsAccountOf({
    executionId,
    ...(target ? { accountContext: target } : {}),
    ...(identity ? { initiatedByPrincipal: identity.principal } : {}),
  });
  try {
    const ids = plan.waves.flatMap((wave) => wave.sourceServerIds);
    return bounded(await (await deps.drs()).sourceOrigins(ids, account));
  } catch (error) {
    deps.log.warn('Source servers not described; the start records no source origin', {
      error: error instanceof Error ? error.message : String(error),
    });
    return undefined;
  }
};

export const startFacts = async (
  deps: OperationDeps,
  executionId: string,
  plan: RecoveryPlan,
  identity: VerifiedIdentity | undefined,
): Promise<StartFacts> => {
  const { drsSimulation, region, accountId } = deps.config;
  const sourceOrigins = await sourceOriginsOf(deps, executionId, plan, identity);
  return {
    ...(drsSimulation ? { simulation: { drs: drsSimulation.drs, speed: drsSimulation.speed } } : {}),
    functionAccount: { region, ...(accountId ? { accountId } : {}) },
    ...(sourceOrigins ? { sourceOrigins } : {}),
  };
};
