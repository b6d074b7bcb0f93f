import type { DrsOperationName } from './operationNames';

export const EXECUTION_ID_TAG = 'drs-ledger:executionId';
export const WAVE_TAG = 'drs-ledger:wave';

export interface WaveStartCount {
  executionId: string;
  wave: string;
  /** StartRecovery requests that carried these tags, whatever their outcome. */
  calls: number;
  /** Of those, the ones that created a job. */
  jobsCreated: number;
}

export interface DrsStatsSnapshot {
  /** Every request received, by operation (including those answered with an injected fault). */
  calls: Partial<Record<DrsOperationName, number>>;
  succeeded: Partial<Record<DrsOperationName, number>>;
  /** Error responses, by operation and error type. */
  errors: Partial<Record<DrsOperationName, Record<string, number>>>;
  startRecoveryByWave: WaveStartCount[];
  /**
   * Requests by the access key id that signed them (Authorization: AWS4-HMAC-SHA256 Credential=<AKID>/...),
   * then by operation; unsigned requests under ANONYMOUS_CALLER. Counts the same requests as `calls`.
   */
  callers: Record<string, Partial<Record<DrsOperationName, number>>>;
}

/** Where requests without a SigV4 Authorization header are counted in `callers`. */
export const ANONYMOUS_CALLER = 'anonymous';

/** Request counters, for tests such as "exactly one StartRecovery per wave". */
export class DrsStats {
  private snapshotData: DrsStatsSnapshot = DrsStats.empty();

  private static empty(): DrsStatsSnapshot {
    return { calls: {}, succeeded: {}, errors: {}, startRecoveryByWave: [], callers: {} };
  }

  called(operation: DrsOperationName, tags?: Record<string, string>): void {
    this.snapshotData.calls[operation] = (this.snapshotData.calls[operation] ?? 0) + 1;
    const wave = this.waveEntry(operation, tags);
    if (wave) wave.calls += 1;
  }

  succeeded(operation: DrsOperationName, tags?: Record<string, string>): void {
    this.snapshotData.succeeded[operation] = (this.snapshotData.succeeded[operation] ?? 0) + 1;
    const wave = this.waveEntry(operation, tags);
    if (wave) wave.jobsCreated += 1;
  }

  /** Who signed a request to `operation` (ANONYMOUS_CALLER when nobody did). */
  signedBy(operation: DrsOperationName, accessKeyId: string | undefined): void {
    const byOperation = (this.snapshotData.callers[accessKeyId ?? ANONYMOUS_CALLER] ??= {});
    byOperation[operation] = (byOperation[operation] ?? 0) + 1;
  }

  /** Requests per signing access key id, over all operations. */
  requestsByAccessKey(): Record<string, number> {
    return Object.fromEntries(
      Object.entries(this.snapshotData.callers).map(([accessKeyId, byOperation]) => [
        accessKeyId,
        Object.values(byOperation).reduce((sum: number, count) => sum + (count ?? 0), 0),
      ]),
    );
  }

  failed(operation: DrsOperationName, errorType: string): void {
    const byType = (this.snapshotData.errors[operation] ??= {});
    byType[errorType] = (byType[errorType] ?? 0) + 1;
  }

  /** How many StartRecovery calls carried this execution's wave tags, and how many created a job. */
  startRecoveryFor(executionId: string, wave: number | string): { calls: number; jobsCreated: number } {
    const entry = this.snapshotData.startRecoveryByWave.find((w) => w.executionId === executionId && w.wave === String(wave));
    return { calls: entry?.calls ?? 0, jobsCreated: entry?.jobsCreated ?? 0 };
  }

  snapshot(): DrsStatsSnapshot {
    return structuredClone(this.snapshotData);
  }

  reset(): void {
    this.snapshotData = DrsStats.empty();
  }

  private waveEntry(operation: DrsOperationName, tags: Record<string, string> | undefined): WaveStartCount | undefined {
    if (operation !== 'StartRecovery' || !tags) return undefined;
    const executionId = tags[EXECUTION_ID_TAG];
    const wave = tags[WAVE_TAG];
    if (executionId === undefined || wave === undefined) return undefined;
    let entry = this.snapshotData.startRecoveryByWave.find((w) => w.executionId === executionId && w.wave === wave);
    if (!entry) {
      entry = { executionId, wave, calls: 0, jobsCreated: 0 };
      this.snapshotData.startRecoveryByWave.push(entry);
    }
    return entry;
  }
}
