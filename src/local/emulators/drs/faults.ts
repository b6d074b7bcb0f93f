import type { DrsOperationName } from './operationNames';
import { FAILURE_STAGES, type FailureStage, isFailureStage } from './failureStage';

/**
 * Faults to inject, the same JSON in process (`emulator.faults.apply(spec)`) and over HTTP
 * (POST /__emulator/faults). Each fault may be limited to some operations; without `operations`
 * it applies to every DRS operation (never to the admin API).
 */
export interface DrsFaultSpec {
  /** ThrottlingException (429, Retry-After) for the next `count` requests and/or a `fraction` of them. */
  throttle?: { count?: number; fraction?: number; retryAfterSeconds?: number; operations?: DrsOperationName[] };
  /** InternalServerException (500) for the next `count` requests. */
  internalError?: { count: number; retryAfterSeconds?: number; operations?: DrsOperationName[] };
  /** A forced ConflictException (409) for the next `count` StartRecovery / TerminateRecoveryInstances. */
  conflict?: { count: number; operations?: Array<'StartRecovery' | 'TerminateRecoveryInstances'> };
  /**
   * Launches of these servers end FAILED with `reason` (DRS's rawError, at most 65,536 characters) logged
   * on the failing `stage`'s event: SNAPSHOT_FAIL, CONVERSION_FAIL or LAUNCH_FAILED (the default), for
   * `times` launches or until healed. An empty reason logs the failure without a rawError.
   */
  failServers?: Array<{ sourceServerID: string; reason?: string; stage?: FailureStage; times?: number }>;
  /**
   * In the next jobs (`times`, or until healed) these servers read `launchStatus` (default IN_PROGRESS)
   * until `lagSeconds` of simulated time after their job is COMPLETED, then LAUNCHED or FAILED.
   */
  lagServers?: Array<{ sourceServerID: string; lagSeconds: number; launchStatus?: 'PENDING' | 'IN_PROGRESS'; times?: number }>;
  /**
   * TerminateRecoveryInstances jobs that fail (each instance FAILED, CLEANUP_FAIL logged, the instance stays
   * RUNNING): the next `count` such jobs; with `recoveryInstanceIDs`, only jobs ending one of these instances, and
   * only those instances fail in them (every such job until cleared when no `count` is given).
   */
  failTerminations?: { count?: number; recoveryInstanceIDs?: string[] };
  /** Stop failing and lagging these servers. */
  healServers?: string[];
  /** Clear every fault first. */
  reset?: boolean;
}

export type InjectedFault = { kind: 'throttle'; retryAfterSeconds: number } | { kind: 'internalError'; retryAfterSeconds?: number };

interface Counted<O> {
  remaining: number;
  operations?: O[];
}

export const DEFAULT_TERMINATION_FAILURE = 'Failed to terminate recovery instance (injected by the DRS emulator)';

export const DEFAULT_LAUNCH_FAILURE = 'Failed to launch recovery instance: InsufficientInstanceCapacity (injected by the DRS emulator)';

/** JobLogEventData.rawError is a LargeBoundedString in DRS's model. */
export const MAX_RAW_ERROR_CHARS = 65_536;

export interface LaunchFailure {
  reason: string;
  stage: FailureStage;
}

export interface StaleStatus {
  launchStatus: 'PENDING' | 'IN_PROGRESS';
  lagMs: number;
}

/** Counted per server: `times` left, or until healed when absent. Consumes one. */
const takeCounted = <T extends { times?: number }>(entries: Map<string, T>, sourceServerID: string): T | undefined => {
  const entry = entries.get(sourceServerID);
  if (!entry) return undefined;
  if (entry.times !== undefined) {
    entry.times -= 1;
    if (entry.times <= 0) entries.delete(sourceServerID);
  }
  return entry;
};

/** A spec is checked whole before any of it applies: a bad entry changes nothing. */
const checkSpec = (spec: DrsFaultSpec): void => {
  for (const server of spec.failServers ?? []) {
    if (server.stage !== undefined && !isFailureStage(server.stage)) {
      throw new Error(`failServers: stage must be one of ${FAILURE_STAGES.join(', ')}`);
    }
    if (server.reason !== undefined && (typeof server.reason !== 'string' || server.reason.length > MAX_RAW_ERROR_CHARS)) {
      throw new Error(`failServers: reason must be a string of at most ${MAX_RAW_ERROR_CHARS} characters (DRS's rawError)`);
    }
  }
  checkFailTerminations(spec.failTerminations);
  for (const server of spec.lagServers ?? []) {
    if (typeof server.lagSeconds !== 'number' || !(server.lagSeconds >= 0)) throw new Error('lagServers: lagSeconds must be a number >= 0');
    if (server.launchStatus !== undefined && server.launchStatus !== 'PENDING' && server.launchStatus !== 'IN_PROGRESS') {
      throw new Error('lagServers: launchStatus must be PENDING or IN_PROGRESS');
    }
  }
};

const checkFailTerminations = (spec: DrsFaultSpec['failTerminations']): void => {
  if (spec === undefined) return;
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) throw new Error('failTerminations must be an object');
  const unknown = Object.keys(spec).filter((key) => key !== 'count' && key !== 'recoveryInstanceIDs');
  if (unknown.length > 0) throw new Error(`Unknown field ${unknown[0]} in failTerminations (known: count, recoveryInstanceIDs)`);
  if (spec.count !== undefined && (typeof spec.count !== 'number' || !Number.isInteger(spec.count) || spec.count < 1)) {
    throw new Error('failTerminations.count must be a positive integer');
  }
  const ids = spec.recoveryInstanceIDs;
  if (
    ids !== undefined &&
    (!Array.isArray(ids) || ids.length === 0 || ids.some((id) => typeof id !== 'string' || !/^i-[0-9a-fA-F]{8,}$/.test(id)))
  ) {
    throw new Error('failTerminations.recoveryInstanceIDs must be a non-empty list of recovery instance ids (i-...)');
  }
  if (spec.count === undefined && ids === undefined) throw new Error('failTerminations needs count, recoveryInstanceIDs or both');
};

const applies = <O extends string>(operations: O[] | undefined, operation: string): boolean =>
  !operations || operations.length === 0 || (operations as string[]).includes(operation);

export class DrsFaults {
  private throttle: (Counted<DrsOperationName> & { fraction: number; retryAfterSeconds: number }) | undefined;
  private internalError: (Counted<DrsOperationName> & { retryAfterSeconds?: number }) | undefined;
  private conflict: Counted<DrsOperationName> | undefined;
  private readonly failing = new Map<string, LaunchFailure & { times?: number }>();
  private readonly lagging = new Map<string, StaleStatus & { times?: number }>();
  private failingTerminations: { remaining?: number; recoveryInstanceIDs?: string[] } | undefined;

  constructor(private readonly random: () => number = Math.random) {}

  /** Throws (changing nothing) when the spec is malformed. */
  apply(spec: DrsFaultSpec): void {
    checkSpec(spec);
    if (spec.reset) this.reset();
    if (spec.throttle) {
      this.throttle = {
        remaining: spec.throttle.count ?? 0,
        fraction: spec.throttle.fraction ?? 0,
        retryAfterSeconds: spec.throttle.retryAfterSeconds ?? 1,
        ...(spec.throttle.operations ? { operations: spec.throttle.operations } : {}),
      };
    }
    if (spec.internalError) {
      this.internalError = {
        remaining: spec.internalError.count,
        ...(spec.internalError.retryAfterSeconds !== undefined ? { retryAfterSeconds: spec.internalError.retryAfterSeconds } : {}),
        ...(spec.internalError.operations ? { operations: spec.internalError.operations } : {}),
      };
    }
    if (spec.conflict) {
      this.conflict = {
        remaining: spec.conflict.count,
        operations: spec.conflict.operations ?? ['StartRecovery', 'TerminateRecoveryInstances'],
      };
    }
    for (const server of spec.failServers ?? []) {
      this.failing.set(server.sourceServerID, {
        reason: server.reason ?? DEFAULT_LAUNCH_FAILURE,
        stage: server.stage ?? 'LAUNCH',
        ...(server.times !== undefined ? { times: server.times } : {}),
      });
    }
    for (const server of spec.lagServers ?? []) {
      this.lagging.set(server.sourceServerID, {
        launchStatus: server.launchStatus ?? 'IN_PROGRESS',
        lagMs: server.lagSeconds * 1000,
        ...(server.times !== undefined ? { times: server.times } : {}),
      });
    }
    if (spec.failTerminations) {
      const { count, recoveryInstanceIDs } = spec.failTerminations;
      this.failingTerminations = {
        ...(count !== undefined ? { remaining: count } : {}),
        ...(recoveryInstanceIDs ? { recoveryInstanceIDs: [...recoveryInstanceIDs] } : {}),
      };
    }
    for (const id of spec.healServers ?? []) {
      this.failing.delete(id);
      this.lagging.delete(id);
    }
  }

  reset(): void {
    this.throttle = undefined;
    this.internalError = undefined;
    this.conflict = undefined;
    this.failing.clear();
    this.lagging.clear();
    this.failingTerminations = undefined;
  }

  /** The instances of this TERMINATE job that are to fail (none: it succeeds). Consumes one of `count`. */
  takeTerminationFailures(recoveryInstanceIDs: string[]): Set<string> {
    const fault = this.failingTerminations;
    if (!fault) return new Set();
    const failing = fault.recoveryInstanceIDs
      ? recoveryInstanceIDs.filter((id) => fault.recoveryInstanceIDs?.includes(id))
      : recoveryInstanceIDs;
    if (failing.length === 0) return new Set();
    if (fault.remaining !== undefined) {
      fault.remaining -= 1;
      if (fault.remaining <= 0) this.failingTerminations = undefined;
    }
    return new Set(failing);
  }

  /** Throttle and internal-error faults, checked before the request is validated. Consumes one. */
  takeRequestFault(operation: DrsOperationName): InjectedFault | undefined {
    const throttle = this.throttle;
    if (throttle && applies(throttle.operations, operation)) {
      if (throttle.remaining > 0) {
        throttle.remaining -= 1;
        return { kind: 'throttle', retryAfterSeconds: throttle.retryAfterSeconds };
      }
      if (throttle.fraction > 0 && this.random() < throttle.fraction) {
        return { kind: 'throttle', retryAfterSeconds: throttle.retryAfterSeconds };
      }
    }
    const internal = this.internalError;
    if (internal && internal.remaining > 0 && applies(internal.operations, operation)) {
      internal.remaining -= 1;
      return {
        kind: 'internalError',
        ...(internal.retryAfterSeconds !== undefined ? { retryAfterSeconds: internal.retryAfterSeconds } : {}),
      };
    }
    return undefined;
  }

  /** A forced ConflictException for this valid request? Consumes one. */
  takeForcedConflict(operation: DrsOperationName): boolean {
    const conflict = this.conflict;
    if (!conflict || conflict.remaining <= 0 || !applies(conflict.operations, operation)) return false;
    conflict.remaining -= 1;
    return true;
  }

  /** The failure this launch of the server is to end with, if any. Consumes one of `times`. */
  takeLaunchFailure(sourceServerID: string): LaunchFailure | undefined {
    const failing = takeCounted(this.failing, sourceServerID);
    return failing ? { reason: failing.reason, stage: failing.stage } : undefined;
  }

  /** The stale status this launch of the server is to read after its job completes, if any. Consumes one. */
  takeStaleStatus(sourceServerID: string): StaleStatus | undefined {
    const lagging = takeCounted(this.lagging, sourceServerID);
    return lagging ? { launchStatus: lagging.launchStatus, lagMs: lagging.lagMs } : undefined;
  }

  describe(): Record<string, unknown> {
    return {
      throttle: this.throttle ?? null,
      internalError: this.internalError ?? null,
      conflict: this.conflict ?? null,
      failServers: [...this.failing.entries()].map(([sourceServerID, value]) => ({ sourceServerID, ...value })),
      // Only when armed, so that the shape callers knew before this fault existed stays the same.
      ...(this.failingTerminations
        ? {
            failTerminations: {
              ...(this.failingTerminations.remaining !== undefined ? { count: this.failingTerminations.remaining } : {}),
              ...(this.failingTerminations.recoveryInstanceIDs
                ? { recoveryInstanceIDs: this.failingTerminations.recoveryInstanceIDs }
                : {}),
            },
          }
        : {}),
      lagServers: [...this.lagging.entries()].map(([sourceServerID, { lagMs, ...value }]) => ({
        sourceServerID,
        lagSeconds: lagMs / 1000,
        ...value,
      })),
    };
  }
}
