/** `drs-ledger events` shows a start's readiness in a few words, and who accepted a deviation, marked. */
import { eventLine } from '../../src/cli/render/eventLine';
import { decide, initialState } from '../../src/domain/execution';
import { start } from '../fixtures/commands';
import { DB_1 } from '../fixtures/plan';

const ALICE = { principal: 'arn:aws:iam::123456789012:user/alice', claim: 'Alice' };

describe('the ReadinessAssessed event line', () => {
  it('counts the findings and quotes the accepted deviation, its actor marked verified', () => {
    const decision = decide(
      start({
        identity: ALICE,
        initiatedBy: 'Alice',
        readiness: {
          findings: [{ severity: 'BLOCKING', code: 'REPLICATION_NOT_HEALTHY', reason: 'STALLED', serverId: DB_1, waveNumber: 1 }],
          override: { reason: 'known stall\u001b[2J' },
        },
      }),
      initialState(),
    );
    if (!decision.ok) throw new Error(JSON.stringify(decision.rejection));
    const line = eventLine(decision.events[1]!, decision.events[0]);
    expect(line).toContain('ReadinessAssessed');
    expect(line).toContain('preflight: 1 BLOCKING, 0 WARNING; started despite them: known stall');
    expect(line).toContain('✓');
    expect(line).not.toContain('\u001b');
  });
});
