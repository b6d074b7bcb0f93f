/**
 * What the projector writes, counted at the real client on dynalite: given these events, when projected (one
 * record at a time, or in batches), then these view items are written, and the view equals the ledger replayed.
 */
import type { DynamoDBRecord } from 'aws-lambda';
import { replayView } from '../../projections/projectExecutionView';
import type { RecoveryPlan } from '../../src/domain/plan';
import { type DynamoTestContext, startTestDynamo, stopTestDynamo } from '../support/dynamo';
import { at, History, serverId } from './support/histories';
import { intoBatches, ProjectorRig } from './support/projectorRig';

/** Three waves, no pauses: polls change the wave in progress, wave ends change the header too. */
const threeWavePlan = (planId: string): RecoveryPlan => ({
  planId,
  planName: 'Three tiers',
  waves: [
    { waveName: 'Database', sourceServerIds: [serverId(1), serverId(2), serverId(3)] },
    { waveName: 'Application', sourceServerIds: [serverId(4), serverId(5)] },
    { waveName: 'Web', sourceServerIds: [serverId(6)] },
  ],
});

/** One poll that saw one server of the wave launched, its job still running. */
const serverLaunched = (history: History, waveNumber: number, n: number, atSecond: number): History =>
  history.run({
    type: 'ObserveWave',
    waveNumber,
    drsJobStatus: 'STARTED',
    servers: [{ serverId: serverId(n), launchStatus: 'LAUNCHED', recoveryInstanceId: `i-${String(n).padStart(17, '0')}` }],
    at: at(atSecond),
  });

/** A drill whose waves launch server by server, then complete. */
const drill = (executionId: string) => {
  const history = new History(executionId, threeWavePlan(`rp-${executionId}`)).start(0).waveStarted(1, 60);
  serverLaunched(history, 1, 1, 120);
  serverLaunched(history, 1, 2, 180);
  history.waveLaunched(1, 240).waveStarted(2, 300);
  serverLaunched(history, 2, 4, 360);
  history.waveLaunched(2, 420).waveStarted(3, 480).waveLaunched(3, 540);
  return history.events;
};

describe('projector writes only the view items an event changes', () => {
  let context: DynamoTestContext;
  let rig: ProjectorRig;
  /** View items put since the last reset, by item key, in order. */
  let puts: string[] = [];
  let run = 0;
  const nextId = (name: string) => `exec-writes-${name}-${(run += 1)}`;

  beforeAll(async () => {
    context = await startTestDynamo();
    rig = new ProjectorRig(context);
    context.client.middlewareStack.add(
      (next, middleware) => async (args) => {
        const input = args.input as { TableName?: string; Item?: { item?: { S?: string } } };
        const result = await next(args);
        if (middleware.commandName === 'PutItemCommand' && input.TableName === context.config.tables.executions) {
          puts.push(input.Item?.item?.S ?? '?');
        }
        return result;
      },
      { step: 'initialize', name: 'viewPuts' },
    );
  });
  afterAll(() => stopTestDynamo(context));

  const countByItem = () => puts.reduce<Record<string, number>>((counts, key) => ({ ...counts, [key]: (counts[key] ?? 0) + 1 }), {});
  const project = async (records: DynamoDBRecord[]) => {
    puts = [];
    expect(await rig.handler({ Records: records })).toEqual({ batchItemFailures: [] });
    return countByItem();
  };
  const expectReplayed = async (executionId: string) =>
    expect(await rig.views.get(executionId)).toStrictEqual(await rig.replayed(executionId));
  /** The view is the ledger replayed up to `seq`. */
  const expectReplayedTo = async (executionId: string, seq: number) => {
    const events = (await rig.ledger.read(executionId)).map((stored) => stored.event);
    expect(await rig.views.get(executionId)).toStrictEqual(replayView(events.slice(0, seq)));
  };

  it('given a poll that changes one server of the wave in progress, when projected, then only that wave item is written', async () => {
    const id = nextId('one-wave');
    const records = await rig.append(drill(id));
    await project(records.slice(0, 3)); // the start and wave 1's start
    const types = drill(id).map((event) => event.type);
    expect(types.slice(3, 5)).toEqual(['WavePolled', 'WavePolled']);
    for (const [index, record] of records.slice(3, 5).entries()) {
      expect(await project([record])).toEqual({ 'WAVE#0001': 1 });
      await expectReplayedTo(id, 4 + index);
    }
  });

  it('given a wave that ends and the next that starts, when projected, then the header and the waves that changed, once each', async () => {
    const id = nextId('wave-end');
    const records = await rig.append(drill(id));
    const types = drill(id).map((event) => event.type);
    const secondStart = types.indexOf('WaveStarted', types.indexOf('WaveCompleted'));
    await project(records.slice(0, types.indexOf('WaveCompleted') - 1));
    // The poll that launched wave 1's last server, wave 1's end, and wave 2's start, in one batch.
    const boundary = records.slice(types.indexOf('WaveCompleted') - 1, secondStart + 1);
    const written = await project(boundary);
    expect(written).toEqual({ 'WAVE#0001': 1, 'WAVE#0002': 1, HEADER: 1 });
    await expectReplayedTo(id, secondStart + 1);
  });

  it('given a batch of every event of a drill, when projected, then each item is written once', async () => {
    const id = nextId('one-batch');
    const records = await rig.append(drill(id));
    expect(records.length).toBeGreaterThan(10);
    expect(await project(records)).toEqual({ HEADER: 1, 'WAVE#0001': 1, 'WAVE#0002': 1, 'WAVE#0003': 1 });
    await expectReplayed(id);
  });

  it('given batches as the stream splits them, then at most one write per item per batch, and after each the view equals its replay', async () => {
    const id = nextId('batches');
    const events = drill(id);
    const records = await rig.append(events);
    for (const batch of intoBatches(records, [2, 1, 3, 1, 4])) {
      const written = await project(batch);
      expect(Math.max(...Object.values(written))).toBe(1);
      const view = await rig.views.get(id);
      expect(view).toStrictEqual(replayView(events.slice(0, view?.seq)));
    }
    await expectReplayed(id);
  });

  it('given the same records again, duplicated and out of order, then nothing is written and the view stays its replay', async () => {
    const id = nextId('again');
    const records = await rig.append(drill(id));
    for (const record of records) await project([record]);
    const reversed = [...records].reverse();
    expect(await project([...reversed, ...records.slice(3, 6)])).toEqual({});
    for (const record of reversed) expect(await project([record, record])).toEqual({});
    await expectReplayed(id);
  });
});
