import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { replayView } from '../../projections/projectExecutionView';
import { createDynamoDbClient } from '../../src/adapters/dynamodb/client';
import { createStreamHandler } from '../../src/handlers/streamHandler';
import { memoryTamperAlarms } from '../support/tamperAlarms';
import { DynamoExecutionEventStore } from '../../src/adapters/dynamodb/eventStore';
import { DynamoExecutionViewStore } from '../../src/adapters/dynamodb/executionViewStore';
import { decide, type ExecutionCommand } from '../../src/domain/execution';
import { LocalDynamoStream } from '../../src/local/localStream';
import { type DynamoTestContext, startTestDynamo, stopTestDynamo } from '../support/dynamo';
import { at, drsJobId, OPERATOR, serverId, twoWavePlan } from './support/histories';
import { recordingLogger } from './support/projectorRig';

describe('local stream feeding the projector on dynalite', () => {
  let context: DynamoTestContext;
  let views: DynamoExecutionViewStore;
  let reader: DynamoExecutionEventStore;
  const writerClients: DynamoDBClient[] = [];

  beforeAll(async () => {
    context = await startTestDynamo();
    views = new DynamoExecutionViewStore(context.client, context.config.tables.executions);
    reader = new DynamoExecutionEventStore(context.client, context.config.tables.events);
  });
  afterAll(async () => {
    for (const client of writerClients) client.destroy();
    await stopTestDynamo(context);
  });

  const wire = (mode: 'immediate' | 'batched') => {
    const log = recordingLogger();
    const stream = new LocalDynamoStream({
      consumer: createStreamHandler({ views, ledger: reader, logger: log.logger, alarms: memoryTamperAlarms().alarms }),
      tableName: context.config.tables.events,
      region: context.config.region,
      mode,
    });
    // The writer's own client, tapped as the local stack taps its one: every item it writes reaches this stream.
    const client = createDynamoDbClient(context.config);
    writerClients.push(client);
    stream.tap(client);
    const ledger = new DynamoExecutionEventStore(client, context.config.tables.events);
    /** load, decide, append: what an operation does. */
    const handle = async (executionId: string, command: ExecutionCommand) => {
      const loaded = await ledger.load(executionId);
      const decision = decide(command, loaded.state);
      if (!decision.ok) throw new Error(decision.rejection.kind);
      const result = await ledger.append(loaded, decision);
      if (!result.ok) throw new Error('conflict');
    };
    return { stream, handle, log };
  };

  const commands = (executionId: string): ExecutionCommand[] => [
    { type: 'StartExecution', executionId, plan: twoWavePlan(), executionType: 'DRILL', initiatedBy: OPERATOR, at: at(0) },
    {
      type: 'RecordWaveStarted',
      waveNumber: 1,
      drsJobId: drsJobId(1),
      servers: [
        { serverId: serverId(1), launchStatus: 'PENDING' },
        { serverId: serverId(2), launchStatus: 'PENDING' },
      ],
      at: at(60),
    },
    {
      type: 'ObserveWave',
      waveNumber: 1,
      drsJobStatus: 'COMPLETED',
      servers: [
        { serverId: serverId(1), launchStatus: 'LAUNCHED' },
        { serverId: serverId(2), launchStatus: 'LAUNCHED' },
      ],
      at: at(300),
    },
    { type: 'Resume', resumedBy: OPERATOR, at: at(600) },
  ];

  it('immediate mode: the view is current as soon as each append returns', async () => {
    const { stream, handle, log } = wire('immediate');
    const expectedStatus = ['RUNNING', 'RUNNING', 'PAUSED', 'RUNNING'];
    for (const [index, command] of commands('exec-immediate').entries()) {
      await handle('exec-immediate', command);
      const events = (await reader.read('exec-immediate')).map((stored) => stored.event);
      const view = await views.get('exec-immediate');
      expect(view).toStrictEqual(replayView(events));
      expect(view?.status).toBe(expectedStatus[index]);
    }
    expect(stream.deadLetters).toEqual([]);
    expect(log.lines.filter((line) => line.level !== 'debug')).toEqual([]);
  });

  it('batched mode: a flush with duplicates and shuffling still gives the replayed view', async () => {
    const { stream, handle } = wire('batched');
    for (const command of commands('exec-batched')) await handle('exec-batched', command);
    expect(await views.get('exec-batched')).toBeUndefined();

    let seed = 42;
    const random = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
    const result = await stream.flush({ batchSize: 3, duplicateRate: 0.5, shuffle: true, random });

    const events = (await reader.read('exec-batched')).map((stored) => stored.event);
    expect(result.failed).toEqual([]);
    expect(result.delivered).toBeGreaterThan(events.length);
    expect(await views.get('exec-batched')).toStrictEqual(replayView(events));
  });
});
