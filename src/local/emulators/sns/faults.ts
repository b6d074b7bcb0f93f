import { SNS_ERROR_STATUS, SnsError } from './errors';

/** Same JSON in process (`emulator.faults.apply`) and over HTTP (POST /__emulator/faults). */
export interface SnsFaultSpec {
  /** Fail the next `count` publishes with `code` (default InternalError, 500). */
  failPublishes?: { count: number; code?: string; status?: number; message?: string };
  reset?: boolean;
}

export class SnsFaults {
  private failing: { remaining: number; code: string; status: number; message: string } | undefined;

  apply(spec: SnsFaultSpec): void {
    if (spec.reset) this.reset();
    if (spec.failPublishes) {
      const code = spec.failPublishes.code ?? 'InternalError';
      this.failing = {
        remaining: spec.failPublishes.count,
        code,
        status: spec.failPublishes.status ?? SNS_ERROR_STATUS[code] ?? 400,
        message: spec.failPublishes.message ?? `Injected ${code} by the SNS emulator`,
      };
    }
  }

  reset(): void {
    this.failing = undefined;
  }

  /** The error this publish is to fail with, if any. Consumes one. */
  takePublishFault(): SnsError | undefined {
    const failing = this.failing;
    if (!failing || failing.remaining <= 0) return undefined;
    failing.remaining -= 1;
    return new SnsError(failing.code, failing.status, failing.message);
  }

  describe(): Record<string, unknown> {
    return { failPublishes: this.failing ?? null };
  }
}
