import { Writable } from 'node:stream';
import { pauseHandler } from '../../../src/cli/drill/operatorMode';
import type { DrillStack } from '../../../src/cli/drill/drillStack';
import type { Details } from '../../../src/cli/render/details';
import { ProgressPrinter } from '../../../src/cli/render/progress';

/** A drill's operator, given looks at an execution; what it asks the stack, and what it tells the person. */
const operatorOf = () => {
  const requests: Array<Record<string, unknown>> = [];
  const told: string[] = [];
  const stack = {
    role: 'owner',
    dataDir: '/tmp/x',
    endpoints: {} as DrillStack['endpoints'],
    invoke: (payload: Record<string, unknown>) => {
      requests.push(payload);
      return Promise.resolve({ statusCode: 200, message: 'Execution resumed' });
    },
    loadPlan: () => Promise.resolve(),
    close: () => Promise.resolve(),
  } as unknown as DrillStack;
  const printer = new ProgressPrinter('json', new Writable({ write: (_chunk, _encoding, done) => done() }));
  printer.note = (message: string) => void told.push(message);
  const handler = pauseHandler('simulated', {
    stack,
    printer,
    hints: { dataDir: '/tmp/x', type: 'DRILL', operator: 'simulated' },
    actor: { name: 'simulated-operator', simulated: true },
    interruption: { signal: undefined, sleep: () => Promise.resolve(), dispose: () => undefined },
    resumeAfterMs: 1,
  });
  return { handler, requests, told };
};

const details = (status: string, extra: Partial<Details> = {}): Details =>
  ({
    executionId: 'exec-1',
    planId: 'rp-1',
    status,
    currentWave: 1,
    pausedAt: status === 'PAUSED' ? '2026-12-01T00:00:10Z' : undefined,
    nextWave: status === 'PAUSED' ? 2 : undefined,
    waveStatuses: [
      { waveNumber: 1, pauseBeforeWave: false },
      { waveNumber: 2, pauseBeforeWave: true },
      { waveNumber: 3, pauseBeforeWave: false },
    ],
    ...extra,
  }) as unknown as Details;

const look = async (operator: ReturnType<typeof operatorOf>, seen: Details) => {
  operator.handler.observe?.(seen);
  if (seen.status === 'PAUSED') await operator.handler.onPaused(seen);
};

describe('the simulated operator', () => {
  it("given the plan's own pause before wave 2, resumes it once, recorded as simulated", async () => {
    const operator = operatorOf();
    await look(operator, details('RUNNING'));
    await look(operator, details('PAUSED'));
    await look(operator, details('PAUSED'));
    expect(operator.requests).toEqual([
      { operation: 'resume', executionId: 'exec-1', planId: 'rp-1', requestedBy: 'simulated-operator', simulatedOperator: true },
    ]);
  });

  it('given a pause a person asked for from another shell, leaves it to a person, even before a planned pause', async () => {
    const operator = operatorOf();
    await look(operator, details('RUNNING', { pauseRequested: { by: 'alice', at: '2026-12-01T00:00:05Z' } }));
    await look(operator, details('PAUSED'));
    expect(operator.requests).toEqual([]);
    expect(operator.told.join('\n')).toContain('waiting for an operator');
  });

  it('given a pause before a wave the plan does not pause before, leaves it to a person', async () => {
    const operator = operatorOf();
    await look(operator, details('RUNNING', { currentWave: 2 }));
    await look(operator, details('PAUSED', { currentWave: 2, nextWave: 3 }));
    expect(operator.requests).toEqual([]);
  });

  it("once the person's pause is resumed, ends the plan's next pause again", async () => {
    const operator = operatorOf();
    await look(operator, details('RUNNING', { pauseRequested: { by: 'alice', at: '2026-12-01T00:00:05Z' } }));
    await look(operator, details('PAUSED', { nextWave: 2, pausedAt: '2026-12-01T00:00:06Z' }));
    await look(operator, details('RUNNING'));
    await look(operator, details('PAUSED', { pausedAt: '2026-12-01T00:01:00Z' }));
    expect(operator.requests).toHaveLength(1);
  });
});
