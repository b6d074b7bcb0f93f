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

describe("configuration of the polls' shared DescribeJobs", () => {
  it('shares answers for 5 s from 10 executions on by default; 0 turns it off', () => {
    expect(configFromEnv({})).toMatchObject({ sharedJobReadSeconds: 5, sharedJobReadMinExecutions: 10 });
    expect(configFromEnv({ SHARED_JOB_READ_SECONDS: '0' }).sharedJobReadSeconds).toBe(0);
    expect(configFromEnv({ SHARED_JOB_READ_SECONDS: '0.05' }).sharedJobReadSeconds).toBe(0.05);
  });

  it('refuses an age of 25 s or more than the poll cadence allows, and a minimum below two executions', () => {
    expect(configFromEnv({ SHARED_JOB_READ_SECONDS: '25' }).sharedJobReadSeconds).toBe(25);
    expect(() => configFromEnv({ SHARED_JOB_READ_SECONDS: '26' })).toThrow(/SHARED_JOB_READ_SECONDS must be at most 25/);
    expect(() => configFromEnv({ SHARED_JOB_READ_SECONDS: '-1' })).toThrow(/SHARED_JOB_READ_SECONDS/);
    expect(() => configFromEnv({ SHARED_JOB_READ_MIN_EXECUTIONS: '1' })).toThrow(/SHARED_JOB_READ_MIN_EXECUTIONS/);
  });
});

describe('configuration of the signed digest chain', () => {
  it('is off without a bucket and a key, and refuses one without the other', () => {
    expect(configFromEnv({}).digests).toBeUndefined();
    expect(() => configFromEnv({ DIGEST_BUCKET: 'b' })).toThrow(/DIGEST_BUCKET and DIGEST_KEY_ID go together/);
    expect(() => configFromEnv({ DIGEST_KEY_ID: 'alias/k' })).toThrow(/DIGEST_BUCKET and DIGEST_KEY_ID go together/);
  });

  it('takes the bucket, key, prefix, retention, look-back and writer function, with defaults for the rest', () => {
    expect(configFromEnv({ DIGEST_BUCKET: 'b', DIGEST_KEY_ID: 'k' }).digests).toEqual({
      bucket: 'b',
      keyId: 'k',
      prefix: 'digests/',
      retentionDays: 365,
      lookbackHours: 72,
    });
    expect(
      configFromEnv({
        DIGEST_BUCKET: 'b',
        DIGEST_KEY_ID: 'k',
        DIGEST_PREFIX: 'ledger/digests/',
        DIGEST_RETENTION_DAYS: '2555',
        DIGEST_LOOKBACK_HOURS: '24',
        DIGEST_FUNCTION_NAME: 'drs-ledger-prod-digest-writer',
      }).digests,
    ).toEqual({
      bucket: 'b',
      keyId: 'k',
      prefix: 'ledger/digests/',
      retentionDays: 2555,
      lookbackHours: 24,
      functionName: 'drs-ledger-prod-digest-writer',
    });
  });

  it('refuses a prefix that does not end with "/" or could leave the bucket\'s key space, and a retention of zero', () => {
    for (const prefix of ['digests', '../digests/', '/digests/']) {
      expect(() => configFromEnv({ DIGEST_BUCKET: 'b', DIGEST_KEY_ID: 'k', DIGEST_PREFIX: prefix })).toThrow(/DIGEST_PREFIX/);
    }
    expect(() => configFromEnv({ DIGEST_BUCKET: 'b', DIGEST_KEY_ID: 'k', DIGEST_RETENTION_DAYS: '0' })).toThrow(/DIGEST_RETENTION_DAYS/);
  });
});

describe('configFromEnv: where DRS and the function run', () => {
  it('says DRS is simulated only when DRS_EMULATOR_SPEED is set (the local stack sets it), with that speed', () => {
    expect(configFromEnv({}).drsSimulation).toBeUndefined();
    expect(configFromEnv({ DRS_EMULATOR_SPEED: '100' }).drsSimulation).toEqual({ drs: 'emulator', speed: 100 });
    expect(configFromEnv({ DRS_EMULATOR_SPEED: '0.5' }).drsSimulation).toEqual({ drs: 'emulator', speed: 0.5 });
    for (const bad of ['0', '-3', 'fast']) expect(() => configFromEnv({ DRS_EMULATOR_SPEED: bad })).toThrow(/DRS_EMULATOR_SPEED/);
  });

  it("takes the function's own account id from DRS_LEDGER_ACCOUNT_ID, 12 digits or nothing", () => {
    expect(configFromEnv({}).accountId).toBeUndefined();
    expect(configFromEnv({ DRS_LEDGER_ACCOUNT_ID: '123456789012' }).accountId).toBe('123456789012');
    for (const bad of ['12345', 'arn:aws:iam::123456789012:root', '1234567890123'])
      expect(() => configFromEnv({ DRS_LEDGER_ACCOUNT_ID: bad })).toThrow(/DRS_LEDGER_ACCOUNT_ID must be a 12-digit account id/);
  });
});
