import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { type AppConfig, clientOptions } from '../../config';
import type { DigestTrigger } from '../../domain/digest';
import type { DigestWriteResult, EvidenceDigests } from '../../ports/evidenceDigests';

/** How long a seal is waited for when the caller gives no signal: the digest writer signs and writes in a second or two. */
export const DEFAULT_SEAL_TIMEOUT_MS = 20_000;

/**
 * The execution-handler may not sign: it asks the digest writer function, synchronously, and reads where the
 * digest went from its answer. The wait is bounded (the caller's signal, and this adapter's own timeout): an
 * answer that does not come in time fails the call, and the schedule seals the head later.
 */
export class LambdaEvidenceDigests implements EvidenceDigests {
  private readonly client: LambdaClient;

  constructor(
    config: AppConfig,
    private readonly functionName: string,
    private readonly timeoutMs: number = DEFAULT_SEAL_TIMEOUT_MS,
  ) {
    this.client = new LambdaClient({ ...clientOptions(config, config.endpoints.lambda), maxAttempts: 3 });
  }

  async seal(executionIds: string[], trigger: DigestTrigger, options: { signal?: AbortSignal } = {}): Promise<DigestWriteResult> {
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const output = await this.client.send(
      new InvokeCommand({
        FunctionName: this.functionName,
        InvocationType: 'RequestResponse',
        Payload: Buffer.from(JSON.stringify({ executionIds, trigger })),
      }),
      // Aborts the attempt in flight and every retry after it.
      { abortSignal: options.signal ? AbortSignal.any([options.signal, timeout]) : timeout },
    );
    const text = Buffer.from(output.Payload ?? new Uint8Array()).toString('utf8');
    if (output.FunctionError) throw new Error(`The digest writer ${this.functionName} failed: ${text.slice(0, 500)}`);
    const result = JSON.parse(text) as DigestWriteResult;
    if (!Array.isArray(result.receipts)) throw new Error(`The digest writer ${this.functionName} answered no receipts`);
    return result;
  }

  destroy(): void {
    this.client.destroy();
  }
}
