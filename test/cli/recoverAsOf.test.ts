/**
 * --recover-as-of on the commands that start executions: `drs-ledger invoke start_execution` (directly, and
 * signed through the operator API) and `drs-ledger drill` send the instant as start_execution's recoverAsOf.
 */
import { Writable } from 'node:stream';
import { buildApiCall, buildEvent } from '../../src/cli/commands/invoke';
import { drillAgain } from '../../src/cli/drill/commandHints';
import { startRequest } from '../../src/cli/drill/leftovers';
import { buildProgram } from '../../src/cli/main';
import type { RecoveryPlan } from '../../src/domain/plan';

const AS_OF = '2026-03-01T08:30:00Z';
const plan = { planId: 'rp-1', planName: 'Payments', waves: [] } as unknown as RecoveryPlan;
const silent = () => new Writable({ write: (_chunk, _encoding, done) => done() });

describe('--recover-as-of', () => {
  it('invoke start_execution sends it as recoverAsOf, to the Lambda and to the operator API', () => {
    expect(buildEvent('start_execution', { planId: 'rp-1', type: 'RECOVERY', recoverAsOf: AS_OF })).toMatchObject({
      operation: 'start_execution',
      executionType: 'RECOVERY',
      recoverAsOf: AS_OF,
    });
    expect(buildEvent('start_execution', { planId: 'rp-1', type: 'RECOVERY' })).not.toHaveProperty('recoverAsOf');
    // Only a start takes it.
    expect(buildEvent('pause', { executionId: 'exec-1', recoverAsOf: AS_OF })).not.toHaveProperty('recoverAsOf');
    expect(buildApiCall('start_execution', { dataDir: '.', planId: 'rp-1', type: 'RECOVERY', recoverAsOf: AS_OF })).toEqual({
      method: 'POST',
      path: '/plans/rp-1/recoveries',
      body: { recoverAsOf: AS_OF },
    });
  });

  it('drill sends it with its start, and says it again in the commands it suggests', () => {
    expect(startRequest(plan, 'RECOVERY', { name: 'ops', simulated: false }, AS_OF)).toMatchObject({ recoverAsOf: AS_OF });
    expect(startRequest(plan, 'RECOVERY', { name: 'ops', simulated: false })).not.toHaveProperty('recoverAsOf');
    expect(drillAgain({ dataDir: '.drs-ledger', type: 'RECOVERY', operator: 'simulated', recoverAsOf: AS_OF }, '--follow')).toContain(
      `--recover-as-of ${AS_OF}`,
    );
  });

  it.each(['drill', 'invoke'])('%s takes the option', (command) => {
    const program = buildProgram(silent(), silent(), () => undefined);
    const options = program.commands.find((candidate) => candidate.name() === command)?.options.map((option) => option.long);
    expect(options).toContain('--recover-as-of');
  });
});
