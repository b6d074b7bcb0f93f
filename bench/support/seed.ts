import { type DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectExecutionView } from '../../projections/projectExecutionView';
import type { ExecutionView } from '../../projections/executionView';
import { viewItems } from '../../src/adapters/dynamodb/executionViewItem';
import {
  decide,
  type ExecutionCommand,
  type ExecutionEvent,
  type ExecutionState,
  evolve,
  initialState,
  waveInFlight,
} from '../../src/domain/execution';
import type { RecoveryPlan } from '../../src/domain/plan';
import type { ExecutionEventStore } from '../../src/ports/executionEventStore';
import { batchWrite, ledgerItems } from '../../test/support/runningExecutions';

/** A DRS source server id (`s-` and 17 characters) unique to `tag` (up to 15 characters, no `x`) and `n`. */
export const serverId = (tag: string, n: number): string => `s-${tag}x${String(n).padStart(16 - tag.length, '0')}`;

/** The sample three-tier plan (5, 12 and 8 servers), under its own plan id and server ids. */
export const samplePlan = (tag: string): RecoveryPlan => {
  const sample = JSON.parse(readFileSync(join(__dirname, '../../samples/three-tier-plan.json'), 'utf8')) as RecoveryPlan;
  let n = 0;
  return {
    ...sample,
    planId: `rp-bench-${tag}`,
    planName: `Bench ${tag}`,
    waves: sample.waves.map((wave) => ({ ...wave, sourceServerIds: wave.sourceServerIds.map(() => serverId(tag, (n += 1))) })),
  };
};

/**
 * Events that move one server of the running wave between two recovery instances and back (WavePolled):
 * history that ends where it began, whatever the decider thinks of launch statuses going backwards.
 * (Hostnames would not do: they are recorded when a wave starts, and an observation's hostname is no change.)
 */
export const paddingEvents = (state: ExecutionState, count: number, at: string): ExecutionEvent[] => {
  if (state.status !== 'RUNNING') throw new Error(`padding needs a RUNNING execution, not ${state.status}`);
  const wave = waveInFlight(state);
  const server = wave?.servers[0];
  if (!wave || wave.status !== 'IN_PROGRESS' || !server) throw new Error('padding needs a wave in progress');
  const launchStatus = server.launchStatus === 'NOT_STARTED' ? 'PENDING' : server.launchStatus;
  const original = server.recoveryInstanceId ?? 'i-0padding00000000a';
  const other = 'i-0padding00000000b';
  const events: ExecutionEvent[] = [];
  let current: ExecutionState = state;
  const apply = (command: ExecutionCommand) => {
    const decision = decide(command, current);
    if (!decision.ok || decision.events.length !== 1) throw new Error(`padding decision: ${JSON.stringify(decision)}`);
    events.push(...decision.events);
    current = evolve(current, decision.events[0] as ExecutionEvent);
  };
  // An odd count starts with a harmless re-attachment of the state machine.
  if (count % 2 === 1) apply({ type: 'AttachStateMachine', executionArn: `${state.executionArn ?? 'arn:bench'}:padded`, at });
  for (let i = events.length; i < count; i += 1) {
    const recoveryInstanceId = (i - (count % 2)) % 2 === 0 ? other : original;
    apply({
      type: 'ObserveWave',
      waveNumber: wave.waveNumber,
      drsJobStatus: wave.drsJobStatus ?? 'PENDING',
      servers: [{ serverId: server.serverId, launchStatus, recoveryInstanceId }],
      at,
    });
  }
  return events;
};

/**
 * Grows an execution's history to `total` events by writing items directly (as the event store's own
 * test does), then brings its view up to date as the projector would have.
 */
export const padHistory = async (
  client: DynamoDBClient,
  tables: { events: string; executions: string },
  store: ExecutionEventStore,
  view: ExecutionView | undefined,
  executionId: string,
  total: number,
  at: string,
): Promise<void> => {
  const loaded = await store.load(executionId);
  const count = total - loaded.state.version;
  if (count <= 0) return;
  const events = paddingEvents(loaded.state, count, at);
  await batchWrite(client, tables.events, ledgerItems(events, loaded.state, loaded.headHash));
  const padded = events.reduce<ExecutionView | undefined>((folded, event) => projectExecutionView(folded, event), view);
  if (!padded) throw new Error('no view to pad');
  for (const item of viewItems(padded)) await client.send(new PutItemCommand({ TableName: tables.executions, Item: item }));
};

/** A history of `total` events in memory: a started drill whose first wave runs, then padding. */
export const historyInMemory = (executionId: string, total: number): ExecutionEvent[] => {
  const plan = samplePlan('mem');
  const at = '2026-01-01T09:00:00.000Z';
  const events: ExecutionEvent[] = [];
  let state = initialState();
  const apply = (command: ExecutionCommand) => {
    const decision = decide(command, state);
    if (!decision.ok) throw new Error(JSON.stringify(decision.rejection));
    events.push(...decision.events);
    for (const event of decision.events) state = evolve(state, event);
  };
  apply({ type: 'StartExecution', executionId, plan, executionType: 'DRILL', initiatedBy: 'bench@example.com', at });
  const servers = (plan.waves[0]?.sourceServerIds ?? []).map((serverId) => ({ serverId, launchStatus: 'PENDING' as const }));
  apply({ type: 'RecordWaveStarted', waveNumber: 1, drsJobId: 'drsjob-0000000000000bench', servers, at });
  apply({
    type: 'ObserveWave',
    waveNumber: 1,
    drsJobStatus: 'STARTED',
    servers: servers.map((s) => ({ ...s, launchStatus: 'IN_PROGRESS' as const })),
    at,
  });
  events.push(...paddingEvents(state, total - events.length, at));
  return events;
};
