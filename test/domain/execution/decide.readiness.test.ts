/**
 * A start carries what preflight found. With a BLOCKING finding it is refused unless an override says why; the
 * findings (bounded) and the accepted deviation with its actor are recorded right after ExecutionStarted.
 */
import type { VerifiedIdentity } from '../../../src/domain/execution';
import { MAX_RECORDED_FINDINGS, type ReadinessFinding } from '../../../src/domain/readiness';
import { OPERATOR, start } from '../../fixtures/commands';
import { APP_1, DB_1 } from '../../fixtures/plan';
import { givenCommands } from '../../support/deciderSpec';

const ALICE: VerifiedIdentity = { principal: 'arn:aws:iam::123456789012:user/alice', claim: 'Alice' };
const STALLED: ReadinessFinding = {
  severity: 'BLOCKING',
  code: 'REPLICATION_NOT_HEALTHY',
  reason: 'Replication is STALLED',
  serverId: DB_1,
  waveNumber: 1,
};
const NO_LAUNCH: ReadinessFinding = {
  severity: 'BLOCKING',
  code: 'LAUNCH_CONFIGURATION_MISSING',
  reason: 'No launch configuration',
  serverId: APP_1,
  waveNumber: 2,
};
const LAG: ReadinessFinding = { severity: 'WARNING', code: 'REPLICATION_LAG', reason: 'Lags 20 min', serverId: APP_1, waveNumber: 2 };

describe('a start with readiness', () => {
  it('without BLOCKING findings records them right after ExecutionStarted, then claims wave 1', () => {
    const { state } = givenCommands()
      .when(start({ readiness: { findings: [LAG] } }))
      .thenEmits([
        { type: 'ExecutionStarted' },
        { type: 'ReadinessAssessed', seq: 2, actor: OPERATOR, data: { findings: [LAG], totals: { blocking: 0, warning: 1 } } },
        { type: 'WaveStartRequested', seq: 3 },
      ]);
    // The state keeps no findings: they stay in the event.
    expect(JSON.stringify(state)).not.toContain('REPLICATION_LAG');
  });

  it('a ready plan records an empty assessment, and an override of nothing is no deviation', () => {
    const { events } = givenCommands()
      .when(start({ readiness: { findings: [], override: { reason: 'just in case' } } }))
      .thenEmits([
        { type: 'ExecutionStarted' },
        { type: 'ReadinessAssessed', data: { findings: [], totals: { blocking: 0, warning: 0 } } },
        { type: 'WaveStartRequested' },
      ]);
    expect(events[1]?.data).not.toHaveProperty('deviation');
  });

  it('with a BLOCKING finding and no override is refused: nothing is recorded', () => {
    const rejection = givenCommands()
      .when(start({ readiness: { findings: [LAG, STALLED] } }))
      .thenRejects('InvalidCommand');
    expect(rejection.message).toContain('1 BLOCKING finding');
  });

  it('with an override records the findings BLOCKING first and the deviation, accepted by the verified starter', () => {
    givenCommands()
      .when(
        start({
          initiatedBy: 'Alice',
          identity: ALICE,
          readiness: {
            findings: [LAG, STALLED, NO_LAUNCH],
            override: { reason: '  DB replication is known stalled; app config fixed by hand  ' },
          },
        }),
      )
      .thenEmits([
        { type: 'ExecutionStarted' },
        {
          type: 'ReadinessAssessed',
          actor: ALICE.principal,
          data: {
            findings: [STALLED, NO_LAUNCH, LAG],
            totals: { blocking: 2, warning: 1 },
            deviation: {
              reason: 'DB replication is known stalled; app config fixed by hand',
              acceptedBy: ALICE.principal,
              identity: ALICE,
            },
          },
        },
        { type: 'WaveStartRequested' },
      ]);
  });

  it('an override without a reason, or with one over 1024 characters, is refused', () => {
    for (const reason of ['   ', 'x'.repeat(1025)]) {
      givenCommands()
        .when(start({ readiness: { findings: [STALLED], override: { reason } } }))
        .thenRejects('InvalidCommand');
    }
  });

  it(`records at most ${MAX_RECORDED_FINDINGS} findings, BLOCKING first, and counts the rest`, () => {
    const warnings = Array.from({ length: 150 }, (): ReadinessFinding => LAG);
    const blockings = Array.from({ length: 30 }, (): ReadinessFinding => STALLED);
    const { events } = givenCommands()
      .when(start({ readiness: { findings: [...warnings, ...blockings], override: { reason: 'accepted' } } }))
      .thenEmits([
        { type: 'ExecutionStarted' },
        { type: 'ReadinessAssessed', data: { totals: { blocking: 30, warning: 150 }, omitted: 80 } },
        { type: 'WaveStartRequested' },
      ]);
    const data = events[1]?.type === 'ReadinessAssessed' ? events[1].data : undefined;
    expect(data?.findings).toHaveLength(MAX_RECORDED_FINDINGS);
    expect(data?.findings.slice(0, 30).every((finding) => finding.severity === 'BLOCKING')).toBe(true);
  });

  it('a start without readiness (older callers) records no assessment', () => {
    givenCommands()
      .when(start())
      .thenEmits([{ type: 'ExecutionStarted' }, { type: 'WaveStartRequested' }]);
  });
});
