/**
 * Contention (issue 17): 16 writers appending to one stream at once, on one dynalite in one run, for raw
 * conditional PutItems (read the head, put seq + 1), castore 2.4.2 (getAggregate, then pushEvent with
 * prevAggregate) and drs-ledger (load, decide one event, append through handleCommand, as a poll does); each
 * retries its conflicts with the same jittered backoff and gives up after the same number of attempts. Rounds
 * rotate the peers' order, each on a fresh stream. The writers run twice, and the target is judged on both: with
 * dynalite in a process of its own, as DynamoDB is to a Lambda, then with dynalite in the bench's process, where
 * its work and the writers' share one thread. A round counts every event written, those in flight when the 60th
 * landed too (each writer finishes the write it is making). Then 16 polls at
 * once through the execution-handler of one execution whose DRS jobs move on between any two DescribeJobs.
 * Targets: drs-ledger's successful events/s at least 2× castore's, and no poll abandoned.
 */
import { localDynamoConfig } from './support/localDynamoConfig';
import { createDynamoDbClient } from '../src/adapters/dynamodb/client';
import { createTables } from '../src/adapters/dynamodb/createTables';
import type { AppConfig } from '../src/config';
import type { RecoveryPlan } from '../src/domain/plan';
import { QUICK_TIMINGS } from '../src/local/emulators';
import { createCastoreTable } from './peers/castoreTable';
import { type ContendedWriter, castoreWriter, drsLedgerWriter, rawWriter, SEEDED_EVENTS } from './peers/contendedWriters';
import { type ContentionTally, tallyContention } from './peers/contentionTally';
import { startDynaliteProcess } from './peers/dynaliteProcess';
import { serverId } from './support/seed';
import { median } from './support/stats';
import { n, rowIn, spreadOf } from './support/rows';
import { startBenchWorld } from './support/world';
import type { Row } from './table';
import { movingOn } from '../test/support/drsMovingOn';

const WRITERS = 16;
/**
 * Successful events each peer appends to its stream in one round. Short rounds, many of them, each peer in
 * turn: a slow spell of a shared machine spoils a round of every peer, not the figure of one.
 */
const EVENTS_PER_ROUND = 60;
const ROUNDS = 8;
const WARMUP_ROUNDS = 1;
const POLLERS = 16;
const SERVERS_PER_WAVE = 24;
/** Simulated ms DRS moves on at each DescribeJobs: about one server changes between two polls' reads. */
const DRS_STEP_MS = 500;
const MAX_POLLS = 5_000;

export interface PeerContention {
  name: string;
  /** Successful events per second: the median of the rounds', and each round's. */
  eventsPerSecond: number;
  roundEventsPerSecond: number[];
  /** CPU ms per successful event of the bench's process (the writers; dynalite too when it runs there), each round's. */
  roundCpuMsPerEvent: number[];
  cpuMsPerEvent: number;
  /** With dynalite in a process of its own: its CPU ms per successful event, each round's. */
  roundDatabaseCpuMsPerEvent?: number[];
  databaseCpuMsPerEvent?: number;
  /** Over the timed rounds: events written, PutItem attempts, conflicts, writes given up, requests. */
  events: number;
  attempts: number;
  conflicts: number;
  abandoned: number;
  requests: Record<string, number>;
  requestsPerEvent: number;
}

export interface PollContention {
  polls: number;
  pollsPerSecond: number;
  /** Ledger events the polls recorded, and per second of the run. */
  events: number;
  eventsPerSecond: number;
  conflicts: number;
  /** Polls answered with anything but a 200 free of pollError (a TooManyConflicts among them). */
  abandoned: number;
  requests: Record<string, number>;
  requestsPerEvent: number;
  status: string;
}

/** The writers' rounds on one database: where it ran, each peer's figures, and ours over theirs round by round. */
export interface WriterRun {
  database: 'own process' | 'bench process';
  peers: Record<string, PeerContention>;
  /** drs-ledger's events/s over castore's and over raw, round by round (same round, same machine). */
  castoreRatios: number[];
  rawRatios: number[];
  /** castore's CPU ms per event over drs-ledger's (client and dynalite, wherever dynalite ran), round by round. */
  castoreCpuRatios: number[];
}

export interface Contention {
  writers: number;
  eventsPerRound: number;
  rounds: number;
  /**
   * The writers with dynalite in a process of its own, as DynamoDB is to a Lambda (the target is judged on it, as
   * the peers' replay is), then with dynalite in the bench's process, where its work and every writer's share a thread.
   */
  ownProcess: WriterRun;
  benchProcess: WriterRun;
  polls: PollContention;
}

interface RoundResult {
  ms: number;
  /** CPU ms of this process (the writers, and dynalite when it runs here): steadier than the clock on a busy machine. */
  cpuMs: number;
  /** CPU ms of dynalite's own process, when it has one. */
  databaseCpuMs?: number;
  events: number;
  abandoned: number;
}

/** 16 writers on a fresh stream until `EVENTS_PER_ROUND` events are written: how long, and what was given up. */
const contendedRound = async (writer: ContendedWriter, streamId: string, databaseCpuMs?: () => Promise<number>): Promise<RoundResult> => {
  await writer.seed(streamId, SEEDED_EVENTS);
  let events = 0;
  let abandoned = 0;
  const databaseBefore = await databaseCpuMs?.();
  const started = performance.now();
  const cpu = process.cpuUsage();
  await Promise.all(
    Array.from({ length: WRITERS }, async () => {
      while (events < EVENTS_PER_ROUND) {
        if ((await writer.writeNext(streamId)) === 'written') events += 1;
        else abandoned += 1;
      }
    }),
  );
  const { user, system } = process.cpuUsage(cpu);
  const ms = performance.now() - started;
  const databaseAfter = await databaseCpuMs?.();
  return {
    ms,
    cpuMs: (user + system) / 1000,
    ...(databaseBefore !== undefined && databaseAfter !== undefined ? { databaseCpuMs: databaseAfter - databaseBefore } : {}),
    events,
    abandoned,
  };
};

const measureWriters = async (
  tally: ContentionTally,
  writers: ContendedWriter[],
  databaseCpuMs?: () => Promise<number>,
): Promise<Record<string, PeerContention>> => {
  const figures = new Map<string, PeerContention>(
    writers.map((writer) => [
      writer.name,
      {
        name: writer.name,
        eventsPerSecond: NaN,
        roundEventsPerSecond: [],
        roundCpuMsPerEvent: [],
        cpuMsPerEvent: NaN,
        events: 0,
        attempts: 0,
        conflicts: 0,
        abandoned: 0,
        requests: {},
        requestsPerEvent: NaN,
      },
    ]),
  );
  for (let round = 0; round < WARMUP_ROUNDS + ROUNDS; round += 1) {
    for (let offset = 0; offset < writers.length; offset += 1) {
      const writer = writers[(round + offset) % writers.length] as ContendedWriter;
      tally.reset();
      const result = await contendedRound(writer, `contention-${writer.name.replace(/\W+/g, '')}-${round}`, databaseCpuMs);
      if (round < WARMUP_ROUNDS) continue;
      const peer = figures.get(writer.name) as PeerContention;
      peer.roundEventsPerSecond.push((result.events / result.ms) * 1000);
      peer.roundCpuMsPerEvent.push(result.cpuMs / result.events);
      if (result.databaseCpuMs !== undefined) (peer.roundDatabaseCpuMsPerEvent ??= []).push(result.databaseCpuMs / result.events);
      peer.events += result.events;
      peer.abandoned += result.abandoned;
      peer.conflicts += tally.conflicts;
      peer.attempts += tally.requests.PutItemCommand ?? 0;
      for (const [command, count] of Object.entries(tally.requests)) peer.requests[command] = (peer.requests[command] ?? 0) + count;
    }
  }
  for (const peer of figures.values()) {
    peer.eventsPerSecond = median(peer.roundEventsPerSecond);
    peer.cpuMsPerEvent = median(peer.roundCpuMsPerEvent);
    if (peer.roundDatabaseCpuMsPerEvent) peer.databaseCpuMsPerEvent = median(peer.roundDatabaseCpuMsPerEvent);
    peer.requestsPerEvent = Object.values(peer.requests).reduce((sum, count) => sum + count, 0) / peer.events;
  }
  return Object.fromEntries(figures);
};

const contendedPlan: RecoveryPlan = {
  planId: 'rp-bench-contention',
  planName: 'Bench contention',
  rtoTargetMinutes: 240,
  waves: ['db', 'app', 'web'].map((tier) => ({
    waveName: tier,
    sourceServerIds: Array.from({ length: SERVERS_PER_WAVE }, (_, index) => serverId(`cont${tier}`, index + 1)),
  })),
};

/** raw, castore and drs-ledger, each on a fresh stream per round, through one client on the database at `endpoint`. */
const measureWriterRun = async (
  config: AppConfig,
  database: WriterRun['database'],
  databaseCpuMs?: () => Promise<number>,
): Promise<WriterRun> => {
  const client = createDynamoDbClient(config);
  try {
    const castoreTable = 'bench-contention-castore';
    await createCastoreTable(client, castoreTable);
    const peers = await measureWriters(
      tallyContention(client),
      [
        rawWriter(client, config.tables.events),
        castoreWriter(client, castoreTable, SEEDED_EVENTS + EVENTS_PER_ROUND + WRITERS * 2),
        drsLedgerWriter(client, config.tables.events),
      ],
      databaseCpuMs,
    );
    const rates = (name: string) => peers[name]?.roundEventsPerSecond ?? [];
    const ours = rates('drs-ledger');
    // Client and dynalite together when dynalite had a process of its own, as the peers' section counts work.
    const cpu = (name: string) => {
      const client = peers[name]?.roundCpuMsPerEvent ?? [];
      const database = peers[name]?.roundDatabaseCpuMsPerEvent;
      return database ? client.map((ms, round) => ms + (database[round] ?? NaN)) : client;
    };
    return {
      database,
      peers,
      castoreRatios: ours.map((rate, round) => rate / (rates('castore 2.4.2')[round] ?? NaN)),
      rawRatios: ours.map((rate, round) => rate / (rates('raw PutItem')[round] ?? NaN)),
      castoreCpuRatios: cpu('castore 2.4.2').map((ms, round) => ms / (cpu('drs-ledger')[round] ?? NaN)),
    };
  } finally {
    client.destroy();
  }
};

/** The writers with dynalite in a process of its own (tables created there), as the peers' section runs them. */
const measureWritersOwnProcess = async (): Promise<WriterRun> => {
  const remote = await startDynaliteProcess();
  try {
    const config = localDynamoConfig(remote.endpoint, 'contention');
    const client = createDynamoDbClient(config);
    await createTables(client, config.tables).finally(() => client.destroy());
    return await measureWriterRun(config, 'own process', remote.cpuMs);
  } finally {
    await remote.close();
  }
};

export const measureContention = async (): Promise<Contention> => {
  const ownProcess = await measureWritersOwnProcess();
  let now = Date.UTC(2026, 0, 1, 9);
  const world = await startBenchWorld({ clock: () => now });
  try {
    const benchProcess = await measureWriterRun(world.config, 'bench process');

    // The polls: the execution-handler in process, DRS's jobs moving on under them.
    world.drs.setTimings(QUICK_TIMINGS);
    await world.loadPlans(contendedPlan);
    const drs = world.deps.drs;
    world.deps.drs = async () => movingOn(await drs(), () => (now += DRS_STEP_MS));
    const started = await world.call({
      operation: 'start_execution',
      planId: contendedPlan.planId,
      executionType: 'DRILL',
      initiatedBy: 'bench',
    });
    if (started.statusCode !== 200) throw new Error(`start_execution answered ${JSON.stringify(started)}`);
    const executionId = started.executionId as string;
    const before = (await world.deps.store.head(executionId))?.seq ?? 0;
    const pollTally = tallyContention(world.opsClient, 'pollContentionTally');
    let polls = 0;
    let abandoned = 0;
    let status = 'RUNNING';
    const began = performance.now();
    await Promise.all(
      Array.from({ length: POLLERS }, async () => {
        while (status === 'RUNNING' && polls < MAX_POLLS) {
          const answer = await world.call({ operation: 'poll', executionId, planId: contendedPlan.planId });
          polls += 1;
          if (answer.statusCode !== 200 || answer.pollError !== undefined) abandoned += 1;
          if (typeof answer.status === 'string' && answer.status !== 'RUNNING') status = answer.status;
        }
      }),
    );
    const ms = performance.now() - began;
    const events = ((await world.deps.store.head(executionId))?.seq ?? 0) - before;
    return {
      writers: WRITERS,
      eventsPerRound: EVENTS_PER_ROUND,
      rounds: ROUNDS,
      ownProcess,
      benchProcess,
      polls: {
        polls,
        pollsPerSecond: (polls / ms) * 1000,
        events,
        eventsPerSecond: (events / ms) * 1000,
        conflicts: pollTally.conflicts,
        abandoned,
        requests: { ...pollTally.requests },
        requestsPerEvent: pollTally.total() / events,
        status,
      },
    };
  } finally {
    await world.close();
  }
};

/** The ratio to meet: drs-ledger's successful events/s over castore's, 16 writers on one stream. */
export const CASTORE_RATIO_TARGET = 2;

/** CPU ms per event: the bench's process alone, or the client's and dynalite's apart when dynalite had its own. */
const cpuText = (figures: PeerContention): string =>
  figures.databaseCpuMsPerEvent === undefined
    ? `${n(figures.cpuMsPerEvent, 1)} CPU ms`
    : `${n(figures.cpuMsPerEvent, 1)} + ${n(figures.databaseCpuMsPerEvent, 1)} CPU ms (client + dynalite)`;

const describe = (figures: PeerContention | undefined) =>
  figures
    ? `${n(figures.attempts / figures.events, 1)} attempts, ${n(figures.conflicts / figures.events, 1)} conflicts, ${n(figures.requestsPerEvent, 1)} requests, ${cpuText(figures)} per event; ${figures.abandoned} writes abandoned`
    : 'not measured';

/** The writers' rows of one run, judged (PASS or FAIL) wherever dynalite ran. */
const writerRows = (contention: Contention, run: WriterRun): Row[] => {
  const suffix = run.database === 'own process' ? '' : ' [dynalite in the bench process]';
  const peer = (name: string) => run.peers[name];
  const [ours, castore, raw] = ['drs-ledger', 'castore 2.4.2', 'raw PutItem'].map(peer);
  const ratio = median(run.castoreRatios);
  // What the floor itself makes of castore's rate, round by round (ours over castore's, over ours over raw's).
  const rawOverCastore = median(run.castoreRatios.map((overCastore, round) => overCastore / (run.rawRatios[round] ?? NaN)));
  const row = rowIn('contention');
  const headline = row(
    `${contention.writers} concurrent writers on one stream, successful events/s${suffix}`,
    `${n(ours?.eventsPerSecond ?? NaN)} events/s`,
    {
      comparedWith: `castore 2.4.2: ${n(castore?.eventsPerSecond ?? NaN)}/s; raw PutItem: ${n(raw?.eventsPerSecond ?? NaN)}/s (${n(rawOverCastore, 2)} × castore, median of rounds)`,
      ratio: `${n(ratio, 2)} × castore (rounds, lowest to highest: ${spreadOf(run.castoreRatios)}; CPU per event: castore ${n(median(run.castoreCpuRatios), 2)}×); ${n(median(run.rawRatios), 2)} × raw`,
      target: `≥ ${n(CASTORE_RATIO_TARGET, 1)} × castore`,
      result: ratio >= CASTORE_RATIO_TARGET ? 'PASS' : 'FAIL',
    },
  );
  return [
    headline,
    ...[ours, castore, raw].map((figures, index) =>
      row(
        `${contention.writers} concurrent writers: what one event costs (${['drs-ledger', 'castore 2.4.2', 'raw PutItem'][index]})${suffix}`,
        describe(figures),
        {
          target: figures
            ? `${contention.rounds} rounds of ${contention.eventsPerRound} events or more (${n(figures.events / contention.rounds, 1)} with those in flight) onto ${SEEDED_EVENTS}`
            : '',
        },
      ),
    ),
  ];
};

export const contentionRows = (contention: Contention): Row[] => {
  const row = rowIn('contention');
  const { polls } = contention;
  return [
    ...writerRows(contention, contention.ownProcess),
    ...writerRows(contention, contention.benchProcess),
    row(
      `${POLLERS} concurrent polls of one execution, DRS moving on`,
      `${n(polls.polls)} polls, ${n(polls.events)} events recorded, ${n(polls.eventsPerSecond)} events/s`,
      {
        comparedWith: `${n(polls.conflicts)} conflicts, ${n(polls.requestsPerEvent, 1)} requests per event recorded`,
        ratio: `${polls.abandoned} abandoned; execution ${polls.status}`,
        target: '0 polls abandoned',
        result: polls.abandoned === 0 && polls.status !== 'RUNNING' ? 'PASS' : 'FAIL',
      },
    ),
  ];
};

if (require.main === module) {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  measureContention().then(
    (result) => console.log(JSON.stringify({ ...result, table: contentionRows(result) }, null, 1)),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
