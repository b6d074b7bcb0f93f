/**
 * The read model's RPO: recoverAsOf as the start recorded it, each server's RPO (seconds from its wave's start
 * request back to its recovery point) and the execution's worst and breaches against rpoTargetMinutes.
 */
import { replayView } from '../../projections/projectExecutionView';
import type { RecoveryPlan } from '../../src/domain/plan';
import { at, History, serverId } from './support/histories';

const plan: RecoveryPlan = {
  planId: 'rp-rpo-view',
  planName: 'Payments',
  rpoTargetMinutes: 15,
  waves: [{ waveName: 'Databases', sourceServerIds: [serverId(1), serverId(2)] }],
};

const launched = (id: string, pointInTime?: string) => ({
  serverId: id,
  launchStatus: 'LAUNCHED' as const,
  recoveryInstanceId: `i-${id.slice(-17)}`,
  ...(pointInTime ? { recoveryPoint: { pointInTime } } : {}),
});

describe('RPO in the execution view', () => {
  it('has each server RPO, the worst, and the breaches above the target', () => {
    const history = new History('exec-rpo-view', plan).start(0);
    history.run({ type: 'RecordWaveStarted', waveNumber: 1, drsJobId: 'drsjob-1', servers: [], at: at(20) });
    history.run({ type: 'ObserveWave', waveNumber: 1, drsJobStatus: 'STARTED', servers: [launched(serverId(1), at(-600))], at: at(100) });
    const first = replayView(history.events);
    expect(first).toMatchObject({ rpoTargetMinutes: 15, rpo: { worstSeconds: 600, breaches: 0 } });

    history.run({
      type: 'ObserveWave',
      waveNumber: 1,
      drsJobStatus: 'COMPLETED',
      servers: [launched(serverId(2), at(-1800))],
      at: at(200),
    });
    const view = replayView(history.events);
    expect(view?.rpo).toEqual({ worstSeconds: 1800, breaches: 1 });
    expect(view?.serverExecutions.map((server) => server.rpoSeconds)).toEqual([600, 1800]);
  });

  it('as of a moment, each server is measured from the moment asked for, not from its wave start', () => {
    const history = new History('exec-rpo-as-of', plan).start(0, { recoverAsOf: at(-60) });
    history.run({ type: 'RecordWaveStarted', waveNumber: 1, drsJobId: 'drsjob-1', servers: [], at: at(20) });
    history.run({
      type: 'ObserveWave',
      waveNumber: 1,
      drsJobStatus: 'COMPLETED',
      servers: [launched(serverId(1), at(-600)), launched(serverId(2), at(-1800))],
      at: at(100),
    });
    const view = replayView(history.events);
    expect(view).toMatchObject({ recoverAsOf: at(-60), rpo: { worstSeconds: 1740, breaches: 1 } });
    expect(view?.serverExecutions.map((server) => server.rpoSeconds)).toEqual([540, 1740]);
  });

  it('an execution whose servers have no recovery point on record shows no RPO', () => {
    const history = new History('exec-no-rpo', plan).start(0);
    history.run({ type: 'RecordWaveStarted', waveNumber: 1, drsJobId: 'drsjob-1', servers: [], at: at(20) });
    history.run({
      type: 'ObserveWave',
      waveNumber: 1,
      drsJobStatus: 'COMPLETED',
      servers: [launched(serverId(1)), launched(serverId(2))],
      at: at(100),
    });
    const view = replayView(history.events);
    expect(view).not.toHaveProperty('rpo');
    expect(view).not.toHaveProperty('recoverAsOf');
  });
});
