/** The executions view keeps a start's readiness as counts and the accepted deviation, bounded; never the findings. */
import { projectExecutionView } from '../../projections/projectExecutionView';
import type { ExecutionView } from '../../projections/executionView';
import { READINESS_VIEW_REASON_BYTES } from '../../projections/readinessView';
import { decide, initialState } from '../../src/domain/execution';
import type { ReadinessFinding } from '../../src/domain/readiness';
import { utf8Length } from '../../src/domain/text';
import { start } from '../fixtures/commands';
import { DB_1 } from '../fixtures/plan';

const STALLED: ReadinessFinding = {
  severity: 'BLOCKING',
  code: 'REPLICATION_NOT_HEALTHY',
  reason: 'STALLED',
  serverId: DB_1,
  waveNumber: 1,
};

const viewAfterStart = (reason?: string): ExecutionView => {
  const decision = decide(
    start({
      identity: { principal: 'arn:aws:iam::123456789012:user/alice' },
      readiness: { findings: [STALLED], ...(reason === undefined ? {} : { override: { reason } }) },
    }),
    initialState(),
  );
  if (!decision.ok) throw new Error(JSON.stringify(decision.rejection));
  return decision.events.reduce<ExecutionView | undefined>(projectExecutionView, undefined) as ExecutionView;
};

describe('readiness in the executions view', () => {
  it('shows the counts and who accepted the deviation, verified', () => {
    expect(viewAfterStart('known stall').readiness).toEqual({
      blocking: 1,
      warning: 0,
      deviation: {
        reason: 'known stall',
        acceptedBy: 'arn:aws:iam::123456789012:user/alice',
        principal: 'arn:aws:iam::123456789012:user/alice',
      },
    });
    expect(JSON.stringify(viewAfterStart('known stall'))).not.toContain('REPLICATION_NOT_HEALTHY');
  });

  it('cuts a long override reason to its bound, marked', () => {
    const reason = viewAfterStart('𠀀'.repeat(1024)).readiness?.deviation?.reason ?? '';
    expect(utf8Length(reason)).toBeLessThanOrEqual(READINESS_VIEW_REASON_BYTES);
    expect(reason.endsWith('…')).toBe(true);
  });
});
