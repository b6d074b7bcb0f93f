import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { type AppConfig, clientOptions } from '../../config';
import type { DigestTrigger } from '../../domain/digest';
import type { DigestWriteResult, EvidenceDigests } from '../../ports/evidenceDigests';

/**
 * The execution-handler may not sign: it asks the digest writer function, synchronously, and reads where the
 * digest went from its answer.
 */
export class LambdaEvidenceDigests implements EvidenceDigests {
  private readonly client: LambdaClient;

  constructor(
    config: AppConfig,
    private readonly functionName: string,
  ) {
    this.client = new LambdaClient({ ...clientOptions(config, config.endpoints.lambda), maxAttempts: 3 });
  }

  async seal(executionIds: string[], trigger: DigestTrigger): Promise<DigestWriteResult> {
    const output = await this.client.send(
      new InvokeCommand({
        FunctionName: this.functionName,
        InvocationType: 'RequestResponse',
        Payload: Buffer.from(JSON.stringify({ executionIds, trigger })),
      }),
    );
    const text = Buffer.from(output.Payload ?? new Uint8Array()).toString('utf8');
    if (output.FunctionError) throw new Error(`The digest writer ${this.functionName} failed: ${text.slice(0, 500)}`);
    const result = JSON.parse(text) as DigestWriteResult;
    if (!Array.isArray(result.receipts)) throw new Error(`The digest writer ${this.functionName} answered no receipts`);
    return result;
  }
}
