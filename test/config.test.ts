import { configFromEnv } from '../src/config';

describe("configuration of DRS's limits", () => {
  it("defaults to DRS's user guide: 100 servers a job, and 10 minutes for servers a COMPLETED job left launching", () => {
    expect(configFromEnv({})).toMatchObject({ serversPerJob: 100, completedJobGraceSeconds: 600 });
  });

  it("takes MAX_SERVERS_PER_JOB from 10 (a 200-server wave within 20 concurrent jobs) to 200 (StartRecovery's limit)", () => {
    expect(configFromEnv({ MAX_SERVERS_PER_JOB: '10' }).serversPerJob).toBe(10);
    expect(configFromEnv({ MAX_SERVERS_PER_JOB: '200' }).serversPerJob).toBe(200);
    expect(() => configFromEnv({ MAX_SERVERS_PER_JOB: 'many' })).toThrow(/MAX_SERVERS_PER_JOB must be a positive number/);
    for (const refused of ['9', '201', '50.5']) {
      expect(() => configFromEnv({ MAX_SERVERS_PER_JOB: refused })).toThrow(/MAX_SERVERS_PER_JOB must be an integer from 10/);
    }
  });

  it('takes a grace of zero (fail at once) but not a negative one', () => {
    expect(configFromEnv({ COMPLETED_JOB_GRACE_SECONDS: '0' }).completedJobGraceSeconds).toBe(0);
    expect(() => configFromEnv({ COMPLETED_JOB_GRACE_SECONDS: '-1' })).toThrow(/COMPLETED_JOB_GRACE_SECONDS/);
  });
});
