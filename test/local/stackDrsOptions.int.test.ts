/** The local stack hands DRS's quotas and faults to its DRS emulator, which a test in another process reads and changes over HTTP. */
import { DescribeJobLogItemsCommand, DrsClient, StartRecoveryCommand } from '@aws-sdk/client-drs';
import type { LocalStack } from '../../src/local/stack';
import { startTestStack } from '../support/localStack';

const SERVER = 's-stackopt000000001';

describe('startLocalStack({ drs })', () => {
  let stack: LocalStack;
  afterEach(() => stack?.close());

  it('starts the DRS emulator with the given quotas and faults in force', async () => {
    stack = await startTestStack({
      inventory: [{ sourceServerID: SERVER, hostname: 'app-01' }],
      drs: {
        quotas: { maxServersPerJob: 7, maxConcurrentJobs: 3 },
        faults: { failServers: [{ sourceServerID: SERVER, stage: 'CONVERSION', reason: 'volume conversion failed' }] },
      },
    });
    const quotas = await (await fetch(`${stack.endpoints.drs}/__emulator/quotas`)).json();
    expect(quotas).toEqual({ maxServersPerJob: 7, maxConcurrentJobs: 3, maxServersInActiveJobs: 500 });

    const drs = new DrsClient({
      endpoint: stack.endpoints.drs,
      region: 'us-east-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    });
    try {
      const { job } = await drs.send(new StartRecoveryCommand({ isDrill: true, sourceServers: [{ sourceServerID: SERVER }] }));
      // speed 100: the job's 45 simulated seconds pass in under half a second.
      await new Promise((resolve) => setTimeout(resolve, 600));
      const { items } = await drs.send(new DescribeJobLogItemsCommand({ jobID: job!.jobID! }));
      expect(items!.find((item) => item.event === 'CONVERSION_FAIL')?.eventData).toEqual({
        sourceServerID: SERVER,
        rawError: 'volume conversion failed',
      });
    } finally {
      drs.destroy();
    }
  });
});
