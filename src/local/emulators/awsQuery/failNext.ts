import { AwsQueryError } from './awsQueryError';

/** Fail the next `count` requests of one action with `code` (the status and message default by code). */
export interface FailNextSpec {
  count: number;
  code?: string;
  status?: number;
  message?: string;
}

/** What an armed fault has left: also what GET /__emulator/faults shows of it. */
export interface FailNextState {
  remaining: number;
  code: string;
  status: number;
  message: string;
}

/** How a fault of one action defaults what its spec leaves out. */
export interface FailNextDefaults {
  code: string;
  /** The status of each code worth injecting (400 for any other). */
  statusOf: Record<string, number>;
  message(code: string): string;
}

/** A fault spec: a FailNextSpec for each key, and `reset` to clear every fault first. */
export type FailNextFaultSpec<Key extends string> = { [key in Key]?: FailNextSpec } & { reset?: boolean };

/**
 * The faults an awsQuery emulator (SNS, STS) injects: under each key (failPublishes, failAssumeRole),
 * "fail the next N requests of this action". The same JSON in process (`emulator.faults.apply`) and
 * over HTTP (POST /__emulator/faults).
 */
export class FailNextFaults<Key extends string> {
  private readonly failing = new Map<Key, FailNextState>();

  constructor(private readonly defaults: Record<Key, FailNextDefaults>) {}

  apply(spec: FailNextFaultSpec<Key>): void {
    if (spec.reset) this.reset();
    for (const [key, defaults] of Object.entries(this.defaults) as Array<[Key, FailNextDefaults]>) {
      const armed = spec[key];
      if (!armed) continue;
      const code = armed.code ?? defaults.code;
      this.failing.set(key, {
        remaining: armed.count,
        code,
        status: armed.status ?? defaults.statusOf[code] ?? 400,
        message: armed.message ?? defaults.message(code),
      });
    }
  }

  reset(): void {
    this.failing.clear();
  }

  /** The error this request is to fail with, if any. Consumes one. */
  take(key: Key): AwsQueryError | undefined {
    const failing = this.failing.get(key);
    if (!failing || failing.remaining <= 0) return undefined;
    failing.remaining -= 1;
    return new AwsQueryError(failing.code, failing.status, failing.message);
  }

  describe(): Record<Key, FailNextState | null> {
    return Object.fromEntries(Object.keys(this.defaults).map((key) => [key, this.failing.get(key as Key) ?? null])) as Record<
      Key,
      FailNextState | null
    >;
  }
}
