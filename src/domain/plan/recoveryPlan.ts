import type { ApprovalRule } from './approvalRule';
import type { PlanTarget } from './planTarget';

/** A recovery plan: the ordered waves an execution brings back, one DRS job per wave. */
export interface Wave {
  waveName: string;
  /** DRS source server ids (`s-` followed by 17 characters), launched together in one StartRecovery. */
  sourceServerIds: string[];
  /** Stop at the boundary before this wave until an operator resumes. */
  pauseBeforeWave?: boolean;
  /** The wave starts only once an approver lets it (the execution pauses before it): approvalRule.ts. */
  approval?: ApprovalRule;
  /** Servers of this wave whose failure to launch is recorded and reported but does not fail the wave. */
  optionalServerIds?: string[];
}

export interface RecoveryPlan {
  planId: string;
  planName: string;
  waves: Wave[];
  /** Recovery time objective for the whole plan, used by evidence reports. */
  rtoTargetMinutes?: number;
  /** Recovery point objective: how old a server's recovery point may be, used by preflight and evidence reports. */
  rpoTargetMinutes?: number;
  /**
   * How long a drill's recovery instances are kept after the drill ends before they are terminated (0 or absent:
   * at once). A start request may override it (keepAliveMinutes). Never applies to a RECOVERY.
   */
  drillKeepAliveMinutes?: number;
  /** The account its servers are recovered in (planTarget.ts); the function's own account when absent. */
  target?: PlanTarget;
  /** What a failed wave does to the execution: FAIL it (the default), or PAUSE it for a retry or a skip. */
  onWaveFailure?: 'FAIL' | 'PAUSE';
}

/** DRS accepts at most 200 source servers in one StartRecovery call. */
export const MAX_SERVERS_PER_WAVE = 200;
export const MAX_WAVES = 100;
/**
 * Servers in one plan, across its waves. Everything that grows with a plan's servers must stay bounded:
 * the plan travels whole in ExecutionStarted, and every event item carries the state, one entry per
 * server, within DynamoDB's 400 KB item. A larger estate is split across several plans.
 */
export const MAX_SERVERS_PER_PLAN = 4000;
/** A drill's instances are kept at most a week after it ends (drillKeepAliveMinutes, keepAliveMinutes). */
export const MAX_KEEP_ALIVE_MINUTES = 10_080;

/** Plan ids are the handler's ids (src/domain/identifier). */
export { ID_PATTERN } from '../identifier';
export const SOURCE_SERVER_ID_PATTERN = /^s-[0-9a-zA-Z]{17}$/;

export const totalServers = (plan: Pick<RecoveryPlan, 'waves'>): number =>
  plan.waves.reduce((sum, wave) => sum + wave.sourceServerIds.length, 0);
