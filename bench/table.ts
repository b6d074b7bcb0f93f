/** The bench's one table: a row per figure, built from each measurement's result. */
import type { Cost, OperationCost } from './cost';
import { SIZES } from './cost';
import type { ProjectionLag } from './projectionLag';
import type { Replay } from './replay';
import type { Scale } from './scale';
import { describeRequests, type Usage } from './support/meter';
import { n, type Row, rowIn, spreadOf } from './support/rows';
import { median } from './support/stats';

export type { Row } from './support/rows';

/** DynamoDB on-demand, standard table class, us-east-1 (since the November 2024 price cut). */
export const ON_DEMAND_USD_PER_MILLION = { read: 0.125, write: 0.625 };
/** A 1-hour drill: the state machine polls every 30 s, and the scheduled find adds one poll a minute. */
export const POLLS_PER_HOUR = 3600 / 30 + 60;

const ms = (value: number) => (value >= 10_000 ? `${n(value / 1000, 1)} s` : `${n(value)} ms`);
const row = (area: string, figure: string, measured: string, rest: Partial<Row> = {}): Row => rowIn(area)(figure, measured, rest);

const usageText = (usage: Usage) => `${describeRequests(usage)} · ${n(usage.rcu, 1)} RCU, ${n(usage.wcu)} WCU`;
const reads = (usage: Usage) => usage.reads;

type Target = { text: string; check: (cost: OperationCost) => boolean };
const READ_ONLY: Target = { text: '≤ 2 reads, no write', check: (cost) => reads(cost.ops) <= 2 && cost.ops.writes === 0 };
const POLL_WRITES: Target = {
  text: '≤ 2 reads, 1 write per event',
  // Ledger writes are PutItems; the one UpdateItem a poll may add frees the plan's slot when the execution ends.
  check: (cost) =>
    reads(cost.ops) <= 2 &&
    (cost.ops.requests.PutItemCommand ?? 0) <= cost.appended &&
    cost.ops.writes - (cost.ops.requests.PutItemCommand ?? 0) <= 1,
};

const OPERATIONS: Array<[string, Target | undefined]> = [
  ['start_execution (starts wave 1)', undefined],
  ['get_execution_details', READ_ONLY],
  ['poll, no change', READ_ONLY],
  ['poll, change within a wave', POLL_WRITES],
  ['poll, wave ends (pauses)', POLL_WRITES],
  ['poll, wave ends (next starts)', POLL_WRITES],
  ['poll, last wave ends (completes)', POLL_WRITES],
  ['pause (takes effect later)', undefined],
  ['wait_for_resume (state machine)', undefined],
  ['resume (starts next wave)', undefined],
  ['finalize (already complete)', undefined],
  ['get_execution_details (ended)', READ_ONLY],
];

export const costRows = ({ table }: Cost): Row[] => {
  const [small, large] = SIZES;
  return OPERATIONS.map(([name, target]) => {
    const a = table[name]?.[small];
    const b = table[name]?.[large];
    if (!a || !b) return row('cost', name, 'not measured', { result: 'FAIL: not measured' });
    const sameRequests = JSON.stringify(Object.entries(a.ops.requests).sort()) === JSON.stringify(Object.entries(b.ops.requests).sort());
    const sameCapacity = a.ops.rcu === b.ops.rcu && a.ops.wcu === b.ops.wcu;
    const targetMet = target ? target.check(a) && target.check(b) : true;
    const verdict = !sameRequests ? 'FAIL: grows with history' : !targetMet ? 'FAIL' : target ? 'PASS' : 'same';
    return row(
      'cost',
      `${name}${a.appended ? ` (${a.appended} event${a.appended > 1 ? 's' : ''})` : ''}`,
      `${n(small)} events: ${usageText(a.ops)}`,
      {
        comparedWith: `${n(large)} events: ${sameRequests && sameCapacity ? 'same' : usageText(b.ops)}`,
        ratio: a.projector.reads + a.projector.writes > 0 ? `projector: ${usageText(a.projector)}` : 'projector: none',
        target: target?.text ?? '',
        result: verdict,
      },
    );
  });
};

/**
 * The three ways of reading the history, each timed on its own in every round. Their differences are not the costs
 * of decoding and folding: each pays for the garbage the task before it left, which differs from one to another
 * (a difference once came out negative), so the times are shown as measured.
 */
const replayParts = (replay: Replay): string =>
  `bare Query ${ms(replay.bareQueryMs)} · readPages ${ms(replay.readMs)} · readPages + fold ${ms(replay.replayMs)}`;

export const replayRows = (replay: Replay): Row[] => [
  row('replay', 'fold in memory: evolve one event at a time (decider state)', `${n(replay.evolvePerSecond)} events/s`),
  row('replay', 'fold in memory: fold (a run of polls changed in place)', `${n(replay.foldPerSecond)} events/s`),
  row('replay', 'fold in memory: projectExecutionView', `${n(replay.projectPerSecond)} events/s`),
  row('replay', `replay ${n(replay.events)} events from dynalite (read + fold)`, ms(replay.replayMs), {
    comparedWith: `${ms(replay.bareQueryMs)}: bare Query of the same items`,
    ratio: `${n(replay.replayMs / replay.bareQueryMs, 2)} (ratio of medians)`,
    target: `the Query: ${n(replay.readUnits)} RCU`,
  }),
  // Judged here too, not only where the peers replay with dynalite in a process of its own (as DynamoDB is to a
  // Lambda): here dynalite shares the bench's thread and its work counts against the replay's time, the stricter way.
  row('replay', `replay ${n(replay.events)} events against lean items [dynalite in the bench process]`, ms(replay.replayMs), {
    comparedWith: `${ms(replay.rawQueryMs)}: Query of ${n(replay.events)} raw 300-byte items (ledger items: ${n(replay.ledgerItemBytes)} bytes on average)`,
    ratio: `${n(median(replay.rawRatios), 2)} (median of rounds; ${spreadOf(replay.rawRatios)})`,
    target: '≤ 1.2',
    result: median(replay.rawRatios) <= 1.2 ? 'PASS' : 'FAIL',
  }),
  // What the row above leaves room for, with dynalite in the bench's process: a store whose items hold events as
  // JSON parses and folds them on top of its Query, which costs at least the raw Query's for items of 300 bytes or more.
  row('replay', `floor there: JSON.parse of the ${n(replay.events)} stored events and their fold, no I/O`, ms(replay.floorMs), {
    comparedWith: `${ms(replay.rawQueryMs)}: the raw Query, timed in the same rounds`,
    ratio: `${n(median(replay.floorRatios), 2)} (median of rounds; ${spreadOf(replay.floorRatios)}): a replay there takes about 1 + this of the raw Query at least`,
  }),
  row('replay', `a replay of ${n(replay.events)} events and its parts, each timed alone (medians)`, replayParts(replay), {
    comparedWith: `${ms(replay.rawQueryMs)}: the raw Query`,
    ratio: `${n(replay.bareQueryMs / replay.rawQueryMs, 2)} · ${n(replay.readMs / replay.rawQueryMs, 2)} · ${n(replay.replayMs / replay.rawQueryMs, 2)} of it`,
  }),
  row('replay', 'sequential one-event appends', `${n(replay.appendsPerSecond)} appends/s`, {
    comparedWith: `${n(replay.rawPutsPerSecond)}/s: raw conditional PutItem of 300-byte items`,
    ratio: n(replay.appendsPerSecond / replay.rawPutsPerSecond, 2),
    target: 'the floor any event store pays',
  }),
];

export const scaleRows = (scale: Scale): Row[] => {
  const [before, after] = scale.runs;
  if (!before || !after) return [];
  const describe = (run: typeof before) => `find ${ms(run.findMs)}, all polled ${ms(run.allPolledMs)}; ${n(run.describeJobs)} DescribeJobs`;
  const requests = (run: typeof before) =>
    `find: ${Object.entries(run.findRequests)
      .map(([where, count]) => `${n(count)} on ${where}`)
      .join(
        ' + ',
      )} (${n(run.findRcu, 1)} RCU); polls: ${describeRequests({ requests: run.pollRequests } as Usage)} (${n(run.pollRcu, 1)} RCU); Lambda: ${run.invocations.sync} + ${n(run.invocations.async)} async, ${run.invocations.errors} errors`;
  const expected = Math.ceil(scale.executions / 1000);
  return [
    row('scale', `find over ${n(scale.executions)} RUNNING: each poll asks DRS`, describe(before), { comparedWith: requests(before) }),
    row('scale', `find over ${n(scale.executions)} RUNNING: find asks DRS for them`, describe(after), {
      comparedWith: requests(after),
      ratio: `DescribeJobs ${n(after.describeJobs / before.describeJobs, 3)}, wall ${n(after.allPolledMs / before.allPolledMs, 2)}`,
      target: `⌈N/1,000⌉ = ${expected} DescribeJobs`,
      result:
        after.describeJobs === expected && after.invocations.errors === 0 && after.executionsFound === scale.executions ? 'PASS' : 'FAIL',
    }),
    row('scale', 'poll payload from find', `${n(after.maxPayloadBytes)} B (1-server waves)`, {
      comparedWith: `${n(scale.payloadBytes200Servers / 1024, 1)} KiB for a 200-server wave`,
      target: '< 256 KiB async limit',
      result: Math.max(after.maxPayloadBytes, scale.payloadBytes200Servers) < 64 * 1024 ? 'PASS' : 'FAIL',
    }),
  ];
};

export const lagRows = (lag: ProjectionLag): Row[] => [
  row('projection lag', 'append to view updated: immediate local stream', `p50 ${ms(lag.immediate.p50)}, p99 ${ms(lag.immediate.p99)}`, {
    target: `${n(lag.immediate.samples)} events`,
  }),
  row(
    'projection lag',
    `append to view updated: batched (every ${lag.batched.flushEveryMs} ms, ≤ ${lag.batched.batchSize})`,
    `p50 ${ms(lag.batched.p50)}, p99 ${ms(lag.batched.p99)}`,
    {
      target: `${n(lag.batched.samples)} events`,
    },
  ),
];

/** Ratios of ours to castore's, each the better way up: above 1, drs-ledger is ahead. */
