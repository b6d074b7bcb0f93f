import { DrsRecoveryJobs } from '../../../src/adapters/aws/drsRecoveryJobs';
import { configFromEnv } from '../../../src/config';
import { type DrsEmulator, startDrsEmulator } from '../../../src/local/emulators';

const id = (n: number): string => `s-${String(n).padStart(17, '0')}`;
/** More servers than one DescribeSourceServers filter takes (200): the adapter asks in batches. */
const HOME_SERVERS = Array.from({ length: 205 }, (_, index) => id(index + 1));
const ELSEWHERE = id(900);
const UNKNOWN = id(999);

describe('DrsRecoveryJobs.sourceOrigins (DRS emulator, real DrsClient)', () => {
  let drs: DrsEmulator;
  beforeEach(async () => {
    drs = await startDrsEmulator({
      accountId: '444455556666',
      sourceServers: [
        ...HOME_SERVERS.map((sourceServerID) => ({ sourceServerID, hostname: 'h' })),
        { sourceServerID: ELSEWHERE, hostname: 'e', originAccountId: '111122223333', originRegion: 'eu-central-1' },
      ],
    });
  });
  afterEach(() => drs.close());

  it('groups the servers by the account and Region DRS reports, and counts those it does not know as not reported', async () => {
    const jobs = new DrsRecoveryJobs(configFromEnv({ DRS_LEDGER_LOCAL: 'true', DRS_ENDPOINT: drs.endpoint }));
    const origins = await jobs.sourceOrigins([...HOME_SERVERS, ELSEWHERE, UNKNOWN, ELSEWHERE]);
    expect(origins).toEqual([
      { accountId: '444455556666', region: 'us-west-2', servers: 205 },
      { accountId: '111122223333', region: 'eu-central-1', servers: 1 },
      { servers: 1 },
    ]);
    expect(drs.stats.snapshot().calls.DescribeSourceServers).toBe(2);
  });
});
