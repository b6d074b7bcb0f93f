import type { Throughput, ThroughputRun } from '../../bench/throughput';
import { RUNS, THROUGHPUT_TARGET, throughputRows } from '../../bench/throughputRows';

const run = (ratio: number): ThroughputRun => ({ pollsPerSecond: 1000 * ratio, putsPerSecond: 1000, ratio });
const throughput = (runs: ThroughputRun[]): Throughput => ({
  runs,
  describeJobsPerPoll: 0.021,
  unshared: run(0.41),
  pollsPerSecond: 500,
  putsPerSecond: 1000,
  operations: 1600,
  rounds: 4,
  warmUp: 200,
  concurrency: 8,
});

describe('throughput rows', () => {
  it("passes only when every run's ratio meets the target, and shows each run's and the DRS reads a poll made", () => {
    const [met] = throughputRows(throughput([run(0.61), run(0.5), run(0.58)]));
    expect(met).toMatchObject({
      ratio: 'runs: 0.61, 0.50, 0.58; DescribeJobs per poll 0.021 (shared reads); without sharing 0.41',
      target: `≥ ${THROUGHPUT_TARGET} in each of ${RUNS} runs`,
      result: 'PASS',
    });
    const [missed] = throughputRows(throughput([run(0.61), run(0.49), run(0.7)]));
    expect(missed?.result).toBe('FAIL');
  });

  it('fails when fewer runs than required were measured', () => {
    const [row] = throughputRows(throughput([run(0.9), run(0.9)]));
    expect(row?.result).toBe('FAIL');
  });
});
