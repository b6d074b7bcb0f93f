import { evidenceFromEvents } from '../../src/audit/report/evidenceFromEvents';
import { renderMarkdown } from '../../src/audit/report/renderMarkdown';
import type { ExecutionEvent } from '../../src/domain/execution';
import { executionStarted, wave1StartRequested } from '../fixtures/events';
import { samplePlan } from '../fixtures/plan';

const ledger = { eventCount: 4, headSeq: 4, headHash: 'ab'.repeat(32), verification: { ok: true as const } };
const ARN = 'arn:aws:states:us-east-1:123456789012:execution:drs-drill:exec-1';

/** A drill whose state machine is attached, and whose first wave start was refused by DRS once. */
const history = (plan = samplePlan): ExecutionEvent[] => {
  const started = executionStarted(plan);
  return [
    started,
    { ...wave1StartRequested, seq: 2, type: 'StateMachineAttached', data: { executionArn: ARN } },
    { ...wave1StartRequested, seq: 3 },
    {
      ...wave1StartRequested,
      seq: 4,
      type: 'WaveStartFailed',
      data: { waveNumber: 1, attempt: 1, error: { code: 'ThrottlingException', message: 'Rate exceeded' }, retryable: true },
    },
  ];
};

describe('evidence of an execution still running', () => {
  it('names the state machine execution and the refused wave start', () => {
    const evidence = evidenceFromEvents(history(), ledger);
    expect(evidence.execution).toMatchObject({ status: 'RUNNING', stateMachineArn: ARN });
    expect(evidence.execution.endTime).toBeUndefined();
    expect(evidence.failures).toEqual([
      { seq: 4, at: expect.any(String), scope: 'wave-start', waveNumber: 1, reason: 'ThrottlingException: Rate exceeded (retried)' },
    ]);
  });

  it('has an RTO in progress while the target is not yet passed, and no verdict without a target', () => {
    expect(evidenceFromEvents(history(), ledger).rto.overall).toMatchObject({ verdict: 'in-progress', targetMinutes: 240 });
    const { rtoTargetMinutes: _none, ...untargeted } = samplePlan;
    expect(evidenceFromEvents(history(untargeted), ledger).rto.overall).toMatchObject({ verdict: 'no-target' });
  });
});

describe('a number field a rewritten ledger filled with text', () => {
  it('never reaches the Markdown report raw: no HTML, no extra cell, no image', () => {
    const payload = '<img src=x onerror=alert(1)> | ![x](https://evil.example/x.png)';
    const events: ExecutionEvent[] = [
      ...history(),
      {
        ...wave1StartRequested,
        seq: 5,
        type: 'ExecutionFailed',
        data: { reason: 'wave 1 failed', waveNumber: payload as unknown as number },
      },
    ];
    const markdown = renderMarkdown(evidenceFromEvents(events, { ...ledger, eventCount: 5, headSeq: 5 }));
    const failureRows = markdown.split('\n').filter((line) => line.includes('wave 1 failed') && line.includes('execution'));
    expect(failureRows).toHaveLength(1);
    expect(markdown).not.toContain('<img');
    expect(markdown).not.toContain('![x]');
    // As many cells as the header has: the payload's pipe did not open another.
    const header = markdown.split('\n').find((line) => line.startsWith('|') && line.includes('Reason')) ?? '';
    const cells = (line: string) => line.split(/(?<!\\)\|/).length;
    expect(cells(failureRows[0] ?? '')).toBe(cells(header));
  });
});
