import { SYSTEM_ACTOR, snapshotOf } from '../../../src/domain/execution';
import { at, observe, recordWaveStarted, recoveryInstanceId, start, T0 } from '../../fixtures/commands';
import { DB_1, DB_2 } from '../../fixtures/plan';
import { givenCommands, waveOf } from '../../support/deciderSpec';

const POINT_1 = { pointInTime: '2025-03-01T09:50:00.000Z', snapshotId: 'pit-0123456789abcdef0' };
const POINT_2 = { pointInTime: '2025-03-01T09:40:00.000Z' };
const launched = (serverId: string, recoveryPoint?: { pointInTime: string; snapshotId?: string }) => ({
  serverId,
  launchStatus: 'LAUNCHED' as const,
  recoveryInstanceId: recoveryInstanceId(serverId),
  ...(recoveryPoint ? { recoveryPoint } : {}),
});

describe('recovering as of a moment: the start', () => {
  it('records recoverAsOf on ExecutionStarted and in the state', () => {
    const asOf = '2025-03-01T08:00:00Z';
    const { state } = givenCommands()
      .when(start({ recoverAsOf: asOf }))
      .thenEmits([{ type: 'ExecutionStarted', data: { recoverAsOf: asOf } }, { type: 'WaveStartRequested' }]);
    expect(state).toMatchObject({ recoverAsOf: asOf });
  });

  it('a start without it records none', () => {
    const { events, state } = givenCommands()
      .when(start())
      .thenEmits([{ type: 'ExecutionStarted' }, { type: 'WaveStartRequested' }]);
    expect(events[0]?.data).not.toHaveProperty('recoverAsOf');
    expect(state).not.toHaveProperty('recoverAsOf');
  });

  it.each([
    ['not a time', 'yesterday', /ISO-8601 instant/],
    ['a date without time', '2025-03-01', /ISO-8601 instant/],
    ['a time without zone', '2025-03-01T08:00:00', /ISO-8601 instant/],
    ['an impossible date', '2025-02-30T08:00:00Z', /ISO-8601 instant/],
    ['a moment in the future', '2025-03-01T10:05:00Z', /in the future/],
    ['a moment more than 365 days ago', '2024-02-28T10:00:00Z', /more than 365 days ago/],
  ])('refuses %s', (_label, recoverAsOf, message) => {
    const rejection = givenCommands()
      .when(start({ recoverAsOf, at: T0 }))
      .thenRejects('InvalidCommand');
    expect(rejection.message).toMatch(message);
  });
});

describe('recovery points of launched servers', () => {
  const inProgress = () => givenCommands(start(), recordWaveStarted(1, at(1)));

  it('the poll that first sees a server LAUNCHED records its recovery point', () => {
    const { state } = inProgress()
      .when(observe(1, 'STARTED', [launched(DB_1, POINT_1), launched(DB_2, POINT_2)], at(2)))
      .thenEmits([
        {
          type: 'WavePolled',
          actor: SYSTEM_ACTOR,
          data: { servers: [launched(DB_1, POINT_1), launched(DB_2, POINT_2)] },
        },
        { type: 'WaveCompleted' },
        { type: 'WaveStartRequested' },
      ]);
    // The point stays in the event: the state (each item's snapshot) carries nothing per server for it.
    expect(JSON.stringify(snapshotOf(state))).not.toContain('pit-0123456789abcdef0');
    expect(JSON.stringify(snapshotOf(state))).not.toContain(POINT_2.pointInTime);
  });

  it('a point seen again for a server already recorded is no change', () => {
    inProgress()
      .when(observe(1, 'STARTED', [launched(DB_1, POINT_1)], at(2)))
      .thenEmits([{ type: 'WavePolled' }]);
    givenCommands(start(), recordWaveStarted(1, at(1)), observe(1, 'STARTED', [launched(DB_1, POINT_1)], at(2)))
      .when(observe(1, 'STARTED', [launched(DB_1, POINT_1)], at(3)))
      .thenNothingHappens();
  });

  it.each([
    ['a time that is no instant', { pointInTime: 'last Tuesday' }],
    ['a time without zone', { pointInTime: '2025-03-01T09:50:00' }],
    ['a snapshot id that is no id', { pointInTime: '2025-03-01T09:50:00Z', snapshotId: 'pit-<script>' }],
    ['a snapshot id beyond its bound', { pointInTime: '2025-03-01T09:50:00Z', snapshotId: `pit-${'a'.repeat(64)}` }],
  ])('refuses a recovery point with %s', (_label, point) => {
    const rejection = inProgress()
      .when(observe(1, 'STARTED', [launched(DB_1, point)], at(2)))
      .thenRejects('InvalidCommand');
    expect(rejection.message).toContain(DB_1);
  });

  it('refuses a wave start recording a recovery point with a bad time', () => {
    givenCommands(start())
      .when(
        recordWaveStarted(1, at(1), {
          servers: [{ serverId: DB_1, launchStatus: 'PENDING', recoveryPoint: { pointInTime: '2025-13-01T00:00:00Z' } }],
        }),
      )
      .thenRejects('InvalidCommand');
  });

  it('records the snapshot a recovery as of a moment chose on WaveStarted', () => {
    const servers = [
      { serverId: DB_1, launchStatus: 'PENDING' as const, recoveryPoint: POINT_1 },
      { serverId: DB_2, launchStatus: 'PENDING' as const, recoveryPoint: POINT_2 },
    ];
    givenCommands(start({ recoverAsOf: '2025-03-01T09:55:00Z' }))
      .when(recordWaveStarted(1, at(1), { servers }))
      .thenEmits([{ type: 'WaveStarted', data: { servers } }]);
  });
});

describe('recovery points DRS could not say when the server launched', () => {
  const unreadable = (servers: ReturnType<typeof launched>[], when: string) => ({
    ...observe(1, 'STARTED', servers, when),
    recoveryPointsUnavailable: true,
  });
  const withMissing = () => givenCommands(start(), recordWaveStarted(1, at(1)), unreadable([launched(DB_1)], at(2)));

  it('counts the servers launched without their point, on the event and in the wave', () => {
    const { state } = givenCommands(start(), recordWaveStarted(1, at(1)))
      .when(unreadable([launched(DB_1)], at(2)))
      .thenEmits([{ type: 'WavePolled', data: { servers: [launched(DB_1)], recoveryPointsMissing: 1 } }]);
    expect(waveOf(state, 1).recoveryPointsMissing).toBe(1);
  });

  it('a later poll that brings the point records it and the count goes back to none', () => {
    const { state } = withMissing()
      .when(observe(1, 'STARTED', [launched(DB_1, POINT_1)], at(3)))
      .thenEmits([{ type: 'WavePolled', data: { servers: [launched(DB_1, POINT_1)] } }]);
    expect(waveOf(state, 1)).not.toHaveProperty('recoveryPointsMissing');
  });

  it('while none is missing, a late point for a launched server is no change', () => {
    givenCommands(start(), recordWaveStarted(1, at(1)), observe(1, 'STARTED', [launched(DB_1)], at(2)))
      .when(observe(1, 'STARTED', [launched(DB_1, POINT_1)], at(3)))
      .thenNothingHappens();
  });

  it('a poll that could not read points, without news, appends nothing and counts nothing', () => {
    withMissing()
      .when(unreadable([launched(DB_1)], at(3)))
      .thenNothingHappens();
  });

  it('without the flag (every ledger before this) nothing is counted', () => {
    const { events, state } = givenCommands(start(), recordWaveStarted(1, at(1)))
      .when(observe(1, 'STARTED', [launched(DB_1)], at(2)))
      .thenEmits([{ type: 'WavePolled' }]);
    expect(events[0]?.data).not.toHaveProperty('recoveryPointsMissing');
    expect(waveOf(state, 1)).not.toHaveProperty('recoveryPointsMissing');
  });
});
