import { DescribeJobsCommand, DescribeSourceServersCommand, StartRecoveryCommand } from '@aws-sdk/client-drs';
import { ANONYMOUS_CALLER, type DrsEmulator, startDrsEmulator } from '../../../src/local/emulators/drs';
import { drsClient, getJson, postJson, serverId } from './support';

const A = serverId(1);

describe('DRS emulator: who signed each request', () => {
  let emulator: DrsEmulator;

  beforeEach(async () => {
    emulator = await startDrsEmulator({ sourceServers: [{ sourceServerID: A, hostname: 'app-01' }] });
  });

  afterEach(() => emulator.close());

  it('counts requests by the access key id in the SigV4 Authorization header, then by operation', async () => {
    const home = drsClient(emulator.endpoint, { maxAttempts: 1 });
    const assumed = drsClient(emulator.endpoint, {
      maxAttempts: 1,
      credentials: { accessKeyId: 'ASIAEXAMPLEEXAMPLE01', secretAccessKey: 's', sessionToken: 't' },
    });
    try {
      await home.send(new DescribeSourceServersCommand({}));
      await assumed.send(new StartRecoveryCommand({ isDrill: true, sourceServers: [{ sourceServerID: A }] }));
      await assumed.send(new DescribeJobsCommand({}));
      await assumed.send(new DescribeJobsCommand({}));
    } finally {
      home.destroy();
      assumed.destroy();
    }
    const unsigned = await fetch(`${emulator.endpoint}/DescribeJobs`, { method: 'POST', body: '{}' });
    expect(unsigned.status).toBe(200);
    // An unknown operation is not an operation call: counted in neither `calls` nor `callers`.
    await fetch(`${emulator.endpoint}/Nope`, { method: 'POST', body: '{}' });

    const snapshot = emulator.stats.snapshot();
    expect(snapshot.callers).toEqual({
      x: { DescribeSourceServers: 1 },
      ASIAEXAMPLEEXAMPLE01: { StartRecovery: 1, DescribeJobs: 2 },
      [ANONYMOUS_CALLER]: { DescribeJobs: 1 },
    });
    expect(emulator.stats.requestsByAccessKey()).toEqual({ x: 1, ASIAEXAMPLEEXAMPLE01: 3, [ANONYMOUS_CALLER]: 1 });
    // The same requests as `calls`, and the existing counters unchanged.
    expect(snapshot.calls).toEqual({ DescribeSourceServers: 1, StartRecovery: 1, DescribeJobs: 3 });
    expect((await getJson(`${emulator.endpoint}/__emulator/stats`)).callers).toEqual(snapshot.callers);

    await postJson(`${emulator.endpoint}/__emulator/stats/reset`, {});
    expect(emulator.stats.snapshot().callers).toEqual({});
  });

  it('counts a request answered with an injected fault under its signer too', async () => {
    emulator.faults.apply({ throttle: { count: 1 } });
    const client = drsClient(emulator.endpoint, {
      maxAttempts: 1,
      credentials: { accessKeyId: 'ASIAFAULTEDEXAMPLE01', secretAccessKey: 's' },
    });
    try {
      await expect(client.send(new DescribeJobsCommand({}))).rejects.toMatchObject({ name: 'ThrottlingException' });
    } finally {
      client.destroy();
    }
    expect(emulator.stats.snapshot().callers).toEqual({ ASIAFAULTEDEXAMPLE01: { DescribeJobs: 1 } });
  });
});
