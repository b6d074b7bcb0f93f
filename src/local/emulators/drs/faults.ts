import type { DrsOperationName } from './operationNames';

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
  /** Launches of these servers end FAILED with `reason` (for `times` launches, or until healed). */
  failServers?: Array<{ sourceServerID: string; reason?: string; times?: number }>;
  /** Stop failing these servers. */
  healServers?: string[];
  /** Clear every fault first. */
  reset?: boolean;
}

export type InjectedFault =
  | { kind: 'throttle'; retryAfterSeconds: number }
  | { kind: 'internalError'; retryAfterSeconds?: number };

interface Counted<O> {
  remaining: number;
  operations?: O[];
}

export const DEFAULT_LAUNCH_FAILURE =
  'Failed to launch recovery instance: InsufficientInstanceCapacity (injected by the DRS emulator)';

const applies = <O extends string>(operations: O[] | undefined, operation: string): boolean =>
  !operations || operations.length === 0 || (operations as string[]).includes(operation);

export class DrsFaults {
  private throttle: (Counted<DrsOperationName> & { fraction: number; retryAfterSeconds: number }) | undefined;
  private internalError: (Counted<DrsOperationName> & { retryAfterSeconds?: number }) | undefined;
  private conflict: Counted<DrsOperationName> | undefined;
  private readonly failing = new Map<string, { reason: string; times?: number }>();

  constructor(private readonly random: () => number = Math.random) {}

  apply(spec: DrsFaultSpec): void {
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
        ...(server.times !== undefined ? { times: server.times } : {}),
      });
    }
    for (const id of spec.healServers ?? []) this.failing.delete(id);
  }

  reset(): void {
    this.throttle = undefined;
    this.internalError = undefined;
    this.conflict = undefined;
    this.failing.clear();
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
      return { kind: 'internalError', ...(internal.retryAfterSeconds !== undefined ? { retryAfterSeconds: internal.retryAfterSeconds } : {}) };
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
  takeLaunchFailure(sourceServerID: string): string | undefined {
    const failing = this.failing.get(sourceServerID);
    if (!failing) return undefined;
    if (failing.times !== undefined) {
      failing.times -= 1;
      if (failing.times <= 0) this.failing.delete(sourceServerID);
    }
    return failing.reason;
  }

  describe(): Record<string, unknown> {
    return {
      throttle: this.throttle ?? null,
      internalError: this.internalError ?? null,
      conflict: this.conflict ?? null,
      failServers: [...this.failing.entries()].map(([sourceServerID, value]) => ({ sourceServerID, ...value })),
    };
  }
}
