import { uncompiledPatterns } from './javaPattern';
import type { ModelServiceName } from './serviceModel';

export type CheckKind = 'request' | 'answer' | 'error';

/** What one check found: the violations as `path: problem` lines. */
export interface CheckRecord {
  service: ModelServiceName;
  operation: string;
  kind: CheckKind;
  violations: string[];
}

/** Records kept at most, so a long `serve` does not grow without bound (counts go on). */
const KEEP = 1000;

/**
 * The in-process record of the model checks: how many were made, per service, operation and kind (so
 * a test can show requests were actually checked), the requests refused, and the answers and errors
 * of ours that broke the model (bugs, which the jest guard fails a test file on).
 */
export class ModelCheckRegistry {
  private readonly counts = new Map<string, number>();
  private spentMs = 0;
  private refused: CheckRecord[] = [];
  private broken: CheckRecord[] = [];

  counted(service: ModelServiceName, operation: string, kind: CheckKind): void {
    const key = `${service} ${operation} ${kind}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }

  /** Time spent checking, so the cost of the referee can be told. */
  spent(ms: number): void {
    this.spentMs += ms;
  }

  timeSpentMs(): number {
    return this.spentMs;
  }

  refusal(record: CheckRecord): void {
    if (this.refused.length < KEEP) this.refused.push(record);
  }

  violation(record: CheckRecord): void {
    if (this.broken.length < KEEP) this.broken.push(record);
  }

  /** Checks made, optionally of one service, operation or kind. */
  checkCount(filter: { service?: ModelServiceName; operation?: string; kind?: CheckKind } = {}): number {
    let total = 0;
    for (const [key, count] of this.counts) {
      const [service, operation, kind] = key.split(' ');
      if (filter.service !== undefined && filter.service !== service) continue;
      if (filter.operation !== undefined && filter.operation !== operation) continue;
      if (filter.kind !== undefined && filter.kind !== kind) continue;
      total += count;
    }
    return total;
  }

  /** `{"drs StartRecovery request": 3, ...}` */
  countsByOperation(): Record<string, number> {
    return Object.fromEntries([...this.counts].sort(([a], [b]) => a.localeCompare(b)));
  }

  /** Answers and errors of ours that broke the model since the last take, and forgets them. */
  takeViolations(): CheckRecord[] {
    const taken = this.broken;
    this.broken = [];
    return taken;
  }

  /** Requests refused for breaking the model since the last take, and forgets them. */
  takeRefusals(): CheckRecord[] {
    const taken = this.refused;
    this.refused = [];
    return taken;
  }

  /** Model patterns JavaScript could not compile, so never checked. */
  uncompiledPatterns(): string[] {
    return [...uncompiledPatterns];
  }

  resetCounts(): void {
    this.counts.clear();
    this.spentMs = 0;
  }
}

export const modelChecks = new ModelCheckRegistry();
