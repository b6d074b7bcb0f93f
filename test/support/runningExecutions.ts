import { BatchWriteItemCommand, type DynamoDBClient, type WriteRequest } from '@aws-sdk/client-dynamodb';
import { replayView } from '../../projections/projectExecutionView';
import { viewItems } from '../../src/adapters/dynamodb/executionViewItem';
import { type Item, toEventItem } from '../../src/adapters/dynamodb/marshalEvent';
import { DEFAULT_LEDGER_SNAPSHOT_EVERY, type Tables } from '../../src/config';
import {
  decide,
  decidedFrom,
  evolve,
  type ExecutionCommand,
  type ExecutionEvent,
  type ExecutionState,
  initialState,
} from '../../src/domain/execution';
import { chainEvents, coveredStates, coversState } from '../../src/domain/ledger';
import type { JobRecord } from '../../src/local/emulators/drs/records';

const DAY_MS = 24 * 3600 * 1000;
const MAX_BATCH_ROUNDS = 20;

export interface RunningExecution {
  executionId: string;
  planId: string;
  jobId: string;
}

/** `width` characters of [0-9a-z] for `n` (base 36, zero-padded). */
const base36 = (n: number, width: number): string => n.toString(36).padStart(width, '0');

/** Writes items with BatchWriteItem, 25 a request and `parallel` requests at once, retrying unprocessed ones. */
export const batchWrite = async (client: DynamoDBClient, tableName: string, items: Item[], parallel = 4): Promise<void> => {
  const batches: WriteRequest[][] = [];
  for (let start = 0; start < items.length; start += 25)
    batches.push(items.slice(start, start + 25).map((Item) => ({ PutRequest: { Item } })));
  let next = 0;
  const worker = async () => {
    while (next < batches.length) {
      let pending = batches[next] as WriteRequest[];
      next += 1;
      for (let round = 0; pending.length > 0; round += 1) {
        if (round >= MAX_BATCH_ROUNDS) throw new Error(`BatchWriteItem kept leaving items unprocessed in ${tableName}`);
        const output = await client.send(new BatchWriteItemCommand({ RequestItems: { [tableName]: pending } }));
        pending = output.UnprocessedItems?.[tableName] ?? [];
      }
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
};

/**
 * Ledger items for a whole history as the event store writes them (format 3): the snapshot on every
 * `snapshotEvery`-th item, whose hash covers the digest of the state its event leaves.
 */
export const ledgerItems = (
  events: readonly ExecutionEvent[],
  from: ExecutionState = initialState(),
  headHash?: string,
  snapshotEvery = DEFAULT_LEDGER_SNAPSHOT_EVERY,
): Item[] => {
  const { states } = decidedFrom(from, events);
  return chainEvents(headHash, events, coveredStates(events, states, snapshotEvery)).map((link, index) =>
    toEventItem(link, states[index] as ExecutionState, coversState(link.event.seq, snapshotEvery)),
  );
};

/**
 * Seeds `count` RUNNING executions directly, without going through the handler: each a one-wave, one-server
 * drill whose DRS job is STARTED with its server IN_PROGRESS for a day (the ledger already says so, so a poll
 * finds nothing new), its ledger items, its view (the projector's), and its job in the DRS emulator's store.
 */
export const seedRunningExecutions = async (options: {
  client: DynamoDBClient;
  tables: Pick<Tables, 'events' | 'executions'>;
  /** The DRS emulator's job records (`drs.jobs()`), which DescribeJobs reads. */
  drsJobs: readonly JobRecord[];
  count: number;
  /** Up to 4 characters of [0-9a-w], unique per seeding in one world. */
  tag: string;
  nowMs: number;
}): Promise<RunningExecution[]> => {
  const { client, tables, count, tag, nowMs } = options;
  const at = new Date(nowMs).toISOString();
  const seeded: RunningExecution[] = [];
  const eventItems: Item[] = [];
  const views: Item[] = [];
  for (let i = 0; i < count; i += 1) {
    const id = `${tag}x${base36(i, 16 - tag.length)}`;
    const executionId = `exec-seed-${id}`;
    const planId = `rp-seed-${id}`;
    const serverId = `s-${id}`;
    const jobId = `drsjob-${id}`;
    (options.drsJobs as JobRecord[]).push({
      jobID: jobId,
      arn: `arn:aws:drs:us-east-1:000000000000:job/${jobId}`,
      type: 'LAUNCH',
      initiatedBy: 'START_DRILL',
      isDrill: true,
      createdAtMs: nowMs - 60_000,
      speed: 1,
      pendingMs: 0,
      tags: {},
      participants: [{ sourceServerID: serverId, recoveryInstanceID: `i-${base36(i, 17)}`, durationMs: DAY_MS }],
    });
    const events: ExecutionEvent[] = [];
    let state = initialState();
    const apply = (command: ExecutionCommand) => {
      const decision = decide(command, state);
      if (!decision.ok) throw new Error(JSON.stringify(decision.rejection));
      events.push(...decision.events);
      for (const event of decision.events) state = evolve(state, event);
    };
    const plan = { planId, planName: `Seeded ${i}`, waves: [{ waveName: 'only', sourceServerIds: [serverId] }] };
    apply({ type: 'StartExecution', executionId, plan, executionType: 'DRILL', initiatedBy: 'seed@example.com', at });
    apply({ type: 'RecordWaveStarted', waveNumber: 1, drsJobId: jobId, servers: [{ serverId, launchStatus: 'PENDING' }], at });
    apply({ type: 'ObserveWave', waveNumber: 1, drsJobStatus: 'STARTED', servers: [{ serverId, launchStatus: 'IN_PROGRESS' }], at });
    eventItems.push(...ledgerItems(events));
    const view = replayView(events);
    if (!view) throw new Error('no view');
    views.push(...viewItems(view));
    seeded.push({ executionId, planId, jobId });
  }
  await batchWrite(client, tables.events, eventItems);
  await batchWrite(client, tables.executions, views);
  return seeded;
};
