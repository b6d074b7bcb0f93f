import { STS_ERROR_STATUS, StsError } from './errors';

/** Same JSON in process (`emulator.faults.apply`) and over HTTP (POST /__emulator/faults). */
export interface StsFaultSpec {
  /** Fail the next `count` AssumeRole requests with `code` (default Throttling, 400). */
  failAssumeRole?: { count: number; code?: string; status?: number; message?: string };
  reset?: boolean;
}

export class StsFaults {
  private failing: { remaining: number; code: string; status: number; message: string } | undefined;

  apply(spec: StsFaultSpec): void {
    if (spec.reset) this.reset();
    if (spec.failAssumeRole) {
      const code = spec.failAssumeRole.code ?? 'Throttling';
      this.failing = {
        remaining: spec.failAssumeRole.count,
        code,
        status: spec.failAssumeRole.status ?? STS_ERROR_STATUS[code] ?? 400,
        message: spec.failAssumeRole.message ?? (code === 'Throttling' ? 'Rate exceeded' : `Injected ${code} by the STS emulator`),
      };
    }
  }

  reset(): void {
    this.failing = undefined;
  }

  /** The error this AssumeRole is to fail with, if any. Consumes one. */
  takeAssumeRoleFault(): StsError | undefined {
    const failing = this.failing;
    if (!failing || failing.remaining <= 0) return undefined;
    failing.remaining -= 1;
    return new StsError(failing.code, failing.status, failing.message);
  }

  describe(): Record<string, unknown> {
    return { failAssumeRole: this.failing ?? null };
  }
}
