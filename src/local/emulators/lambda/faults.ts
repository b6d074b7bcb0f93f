import { type LambdaApiError, serviceException, tooManyRequests } from './errors';

export type InvocationType = 'RequestResponse' | 'Event' | 'DryRun';
export const INVOCATION_TYPES: readonly InvocationType[] = ['RequestResponse', 'Event', 'DryRun'];

export type FaultKind = 'ServiceException' | 'TooManyRequestsException';

export interface FaultSpec {
  kind: FaultKind;
  /** How many of the next matching invocations fail. */
  count: number;
  /** Only invocations of this type (default: any type). */
  invocationType?: InvocationType;
  /** Only invocations of this function (default: any function). */
  functionName?: string;
  /** Retry-After of a TooManyRequestsException, in seconds (default 1). */
  retryAfterSeconds?: number;
}

/** Fails the next N matching invocations at the API, before the function runs. First matching spec wins. */
export class FaultInjector {
  private specs: Array<FaultSpec & { remaining: number }> = [];

  inject(spec: FaultSpec): void {
    if (!Number.isInteger(spec.count) || spec.count < 1) throw new Error('fault count must be a positive integer');
    this.specs.push({ ...spec, remaining: spec.count });
  }

  /** The error for this invocation, consuming one from the first spec that matches, or undefined. */
  take(functionName: string, invocationType: InvocationType): LambdaApiError | undefined {
    const spec = this.specs.find(
      (candidate) =>
        candidate.remaining > 0 &&
        (candidate.invocationType === undefined || candidate.invocationType === invocationType) &&
        (candidate.functionName === undefined || candidate.functionName === functionName),
    );
    if (!spec) return undefined;
    spec.remaining -= 1;
    this.specs = this.specs.filter((candidate) => candidate.remaining > 0);
    return spec.kind === 'ServiceException' ? serviceException() : tooManyRequests(spec.retryAfterSeconds ?? 1);
  }

  pending(): number {
    return this.specs.reduce((sum, spec) => sum + spec.remaining, 0);
  }

  clear(): void {
    this.specs = [];
  }
}
