import { rtoMeasure, simulatedRto } from '../../src/audit/report/rto';

const context = {
  status: 'COMPLETED' as const,
  startTime: '2026-12-01T00:00:00.000Z',
  lastEventAt: '2026-12-01T00:01:18.000Z',
  notRecovered: '',
};

describe('the RTO restated in simulated DRS time', () => {
  it('given 78 s measured at 100×, 46 of them paused for a person: the 32 s of work scale, the pause counts once', () => {
    const measured = rtoMeasure(78, 60, context);
    const simulated = simulatedRto(measured, 100, { ...context, pausedSeconds: 46 });
    expect(simulated).toMatchObject({ measuredSeconds: 32 * 100 + 46, verdict: 'met', speed: 100 });
  });

  it('given no pause, every second scales', () => {
    expect(simulatedRto(rtoMeasure(40, 60, context), 100, context)).toMatchObject({ measuredSeconds: 4000, verdict: 'missed' });
  });

  it('given a pause recorded longer than the measure (a rewritten ledger), never goes below the measure itself', () => {
    const simulated = simulatedRto(rtoMeasure(10, 60, context), 100, { ...context, pausedSeconds: 500 });
    expect(simulated.measuredSeconds).toBe(10);
  });
});
