/**
 * The execution-handler waits for its end to be sealed by the digest writer function, through the real Lambda
 * client against the Lambda emulator. The wait is bounded: a writer that hangs never holds an end up for long.
 */
import { LambdaEvidenceDigests } from '../../src/adapters/aws/lambdaEvidenceDigests';
import { type AppConfig, configFromEnv } from '../../src/config';
import { type LambdaEmulator, startLambdaEmulator } from '../../src/local/emulators/lambda';
import type { DigestWriteResult } from '../../src/ports/evidenceDigests';

const ANSWER: DigestWriteResult = { receipts: [] };
/** How long the slow writer takes: far longer than either bound below. */
const SLOW_MS = 3000;

describe('waiting for the digest writer', () => {
  let emulator: LambdaEmulator;
  let config: AppConfig;

  beforeAll(async () => {
    emulator = await startLambdaEmulator();
    emulator.service.register('quick-writer', async () => ANSWER);
    emulator.service.register('slow-writer', () => new Promise((resolve) => setTimeout(() => resolve(ANSWER), SLOW_MS)), {
      timeoutSeconds: 10,
    });
    config = configFromEnv({ DRS_LEDGER_LOCAL: 'true', AWS_REGION: 'us-east-1', LAMBDA_ENDPOINT: emulator.endpoint });
  });
  afterAll(async () => {
    await emulator.close();
  });

  const timed = async (seal: () => Promise<unknown>): Promise<{ outcome: string; ms: number }> => {
    const started = Date.now();
    const outcome = await seal().then(
      () => 'answered',
      (error: unknown) => (error as Error).name,
    );
    return { outcome, ms: Date.now() - started };
  };

  it('given a writer that answers, then its answer is read', async () => {
    const digests = new LambdaEvidenceDigests(config, 'quick-writer');
    try {
      await expect(digests.seal(['exec-1'], 'ExecutionEnded')).resolves.toEqual(ANSWER);
    } finally {
      digests.destroy();
    }
  });

  it('given a writer that hangs, when no signal is given, then the call fails after the adapter’s own timeout', async () => {
    const digests = new LambdaEvidenceDigests(config, 'slow-writer', 300);
    try {
      const { outcome, ms } = await timed(() => digests.seal(['exec-1'], 'ExecutionEnded'));
      expect(outcome).toMatch(/Abort|Timeout/);
      expect(ms).toBeLessThan(SLOW_MS / 2);
    } finally {
      digests.destroy();
    }
  });

  it('given a writer that hangs, when the caller’s signal fires first, then the call fails then', async () => {
    const digests = new LambdaEvidenceDigests(config, 'slow-writer');
    try {
      const { outcome, ms } = await timed(() => digests.seal(['exec-1'], 'ExecutionEnded', { signal: AbortSignal.timeout(300) }));
      expect(outcome).toMatch(/Abort|Timeout/);
      expect(ms).toBeLessThan(SLOW_MS / 2);
    } finally {
      digests.destroy();
    }
  });
});
