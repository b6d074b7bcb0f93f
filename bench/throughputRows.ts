import { n } from './support/rows';
import type { Row } from './table';
import type { Throughput } from './throughput';

/** Consecutive runs of the step, each of which must meet the target. */
export const RUNS = 3;
/** Polls per second over PutItems per second: at least this in every run. */
export const THROUGHPUT_TARGET = 0.5;

/** Whether every one of the expected runs met the target: fewer runs than that is no pass. */
export const throughputMet = (throughput: Throughput): boolean =>
  throughput.runs.length === RUNS && throughput.runs.every((run) => run.ratio >= THROUGHPUT_TARGET);

export const throughputRows = (throughput: Throughput): Row[] => [
  {
    area: 'throughput',
    figure: `poll end to end vs conditional PutItem, ${throughput.concurrency} at a time, ${throughput.runs.length} runs of ${n(throughput.operations)} each`,
    measured: `${n(throughput.pollsPerSecond)} polls/s`,
    comparedWith: `${n(throughput.putsPerSecond)} PutItems/s`,
    ratio: `runs: ${throughput.runs.map((run) => n(run.ratio, 2)).join(', ')}; DescribeJobs per poll ${n(throughput.describeJobsPerPoll, 3)} (shared reads); without sharing ${n(throughput.unshared.ratio, 2)}`,
    target: `≥ ${THROUGHPUT_TARGET} in each of ${RUNS} runs`,
    result: throughputMet(throughput) ? 'PASS' : 'FAIL',
  },
];
