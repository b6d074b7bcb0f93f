import type { RecoveryJobs } from '../../src/ports/recoveryJobs';

/** DRS moving on in real time: the clock advances at each DescribeJobs, so no two polls read the same job. */
export const movingOn = (jobs: RecoveryJobs, advance: () => void): RecoveryJobs =>
  new Proxy(jobs, {
    get: (target, name, receiver) =>
      name === 'describeJobs'
        ? (...args: Parameters<RecoveryJobs['describeJobs']>) => {
            advance();
            return target.describeJobs(...args);
          }
        : (Reflect.get(target, name, receiver) as unknown),
  });
