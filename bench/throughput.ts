/**
 * Throughput: end-to-end polls per second (the execution-handler in process: parse, load the ledger head,
 * DescribeJobs from the DRS emulator, shared by the polls of the 50 executions as one container's are, decide;
 * nothing changes) against conditional PutItems per second of
 * ledger items, on the same dynalite in the same run, 8 at a time each. Three consecutive runs, each of
 * interleaved rounds, so that one lucky run cannot carry the target: each run's ratio must meet it.
 */
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { putEventInput } from '../src/adapters/dynamodb/putEventInput';
import { ledgerItems, seedRunningExecutions } from '../test/support/runningExecutions';
import { historyInMemory } from './support/seed';
import { startBenchWorld } from './support/world';
import { RUNS } from './throughputRows';

const EXECUTIONS = 50;
/** Rounds of each run: puts and polls alternate, each going first in every other round, so load drift hits both. */
const ROUNDS = 4;
const OPS_PER_ROUND = 400;
/**
 * Done on each side before the first run: the seeding already warmed the put's client, while the first
 * polls would pay alone for loading the DRS client and for the JIT of the handler (a cold start, measured
 * by coldStart.ts, not a poll's steady cost).
 */
const WARM_UP = 200;
const CONCURRENCY = 8;

export interface ThroughputRun {
  pollsPerSecond: number;
  putsPerSecond: number;
  /** pollsPerSecond / putsPerSecond. */
  ratio: number;
}

export interface Throughput {
  runs: ThroughputRun[];
  /**
   * DescribeJobs requests DRS received per timed poll: the polls of one container share their reads
   * (src/operations/sharedJobReads.ts), so most polls of 50 running executions send none.
   */
  describeJobsPerPoll: number;
  /** One more run with sharing off (SHARED_JOB_READ_SECONDS 0): every poll sends its own DescribeJobs. Not judged. */
  unshared: ThroughputRun;
  /** Over all runs (for the table's measured column). */
  pollsPerSecond: number;
  putsPerSecond: number;
  /** Of each kind, per run. */
  operations: number;
  rounds: number;
  warmUp: number;
  concurrency: number;
}

/** ms to run `count` tasks, `CONCURRENCY` at a time. */
const timed = async (count: number, task: (index: number) => Promise<void>): Promise<number> => {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < count) {
        const index = next;
        next += 1;
        await task(index);
      }
    }),
  );
  return performance.now() - started;
};

export const measureThroughput = async (): Promise<Throughput> => {
  const world = await startBenchWorld({ clock: Date.now });
  try {
    // This step bills nothing: without the bench's meter, a poll's Query asks for no consumed capacity, as the
    // deployed handler's does not, and like the bare PutItem it is compared with.
    if (!world.opsClient.middlewareStack.remove('benchCapacityMeter')) throw new Error('the ops client has no meter to take off');
    const executions = await seedRunningExecutions({
      client: world.seedClient,
      tables: world.config.tables,
      drsJobs: world.drs.jobs(),
      count: EXECUTIONS,
      tag: 'tput',
      nowMs: Date.now(),
    });
    const perRun = OPS_PER_ROUND * ROUNDS;
    // Ledger items of one long history, each put on its own free seq.
    const items = ledgerItems(historyInMemory('exec-throughput', WARM_UP + perRun * (RUNS + 1)));
    let putsDone = 0;
    let pollsDone = 0;
    const put = async () => {
      const item = items[putsDone];
      putsDone += 1;
      if (!item) throw new Error('no item');
      // An untapped client: the baseline is the bare conditional write, with no stream behind it.
      await world.seedClient.send(new PutItemCommand(putEventInput(world.config.tables.events, item)));
    };
    const poll = async () => {
      const { executionId, planId } = executions[pollsDone % EXECUTIONS] as (typeof executions)[number];
      pollsDone += 1;
      const response = await world.call({ operation: 'poll', executionId, planId });
      if (response.statusCode !== 200 || response.pollError) throw new Error(`poll answered ${JSON.stringify(response)}`);
    };
    await timed(WARM_UP, put);
    await timed(WARM_UP, poll);

    const describeJobs = () => world.drs.stats.snapshot().calls.DescribeJobs ?? 0;
    const describeJobsBefore = describeJobs();
    /** One run of interleaved rounds of puts and polls. */
    const measureRun = async (): Promise<ThroughputRun> => {
      let pollMs = 0;
      let putMs = 0;
      for (let round = 0; round < ROUNDS; round += 1) {
        if (round % 2 === 0) {
          putMs += await timed(OPS_PER_ROUND, put);
          pollMs += await timed(OPS_PER_ROUND, poll);
        } else {
          pollMs += await timed(OPS_PER_ROUND, poll);
          putMs += await timed(OPS_PER_ROUND, put);
        }
      }
      const pollsPerSecond = (perRun / pollMs) * 1000;
      const putsPerSecond = (perRun / putMs) * 1000;
      return { pollsPerSecond, putsPerSecond, ratio: pollsPerSecond / putsPerSecond };
    };
    const runs: ThroughputRun[] = [];
    for (let run = 0; run < RUNS; run += 1) runs.push(await measureRun());
    const describeJobsPerPoll = (describeJobs() - describeJobsBefore) / (perRun * RUNS);
    const { sharedJobReads } = world.deps;
    delete world.deps.sharedJobReads;
    const unshared = await measureRun();
    if (sharedJobReads) world.deps.sharedJobReads = sharedJobReads;
    const harmonic = (rates: number[]) => rates.length / rates.reduce((sum, rate) => sum + 1 / rate, 0);
    return {
      runs,
      describeJobsPerPoll,
      unshared,
      // Equal operations per run: the overall rate is the harmonic mean of the runs'.
      pollsPerSecond: harmonic(runs.map((run) => run.pollsPerSecond)),
      putsPerSecond: harmonic(runs.map((run) => run.putsPerSecond)),
      operations: perRun,
      rounds: ROUNDS,
      warmUp: WARM_UP,
      concurrency: CONCURRENCY,
    };
  } finally {
    await world.close();
  }
};

if (require.main === module) {
  measureThroughput().then(
    (result) => console.log(JSON.stringify(result, null, 1)),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
