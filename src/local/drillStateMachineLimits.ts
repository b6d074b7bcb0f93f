/**
 * Loops one run of the drill state machine paces before it continues as new (its ${MaxLoopsPerExecution}).
 * A loop writes 13 history events when all goes well, and at worst 78: a poll that succeeds on its last retry
 * answering COMPLETED, then a finalize that fails every retry (measured in test/local/stepfunctionsDrillHistory).
 * 300 x 78 stays under Step Functions' 25,000-event quota whatever fails; a run lasts about 2.5 hours of polling.
 * serverless.yml deploys the same figure (test/infrastructure/cloudformation.test.ts compares them).
 */
export const DEFAULT_MAX_LOOPS_PER_EXECUTION = 300;
