/**
 * What the simulated operator did reads as no person's, everywhere an actor is shown: the evidence (JSON
 * `standing: 'simulated'`), the Markdown and HTML reports ("simulated operator (no person acted)", never a name
 * that could be someone's), `drs-ledger events` lines and `status`.
 */
import { renderHtml, renderJson, renderMarkdown } from '../../src/audit';
import type { Evidence } from '../../src/audit/report/evidence';
import { evidenceFromEvents } from '../../src/audit/report/evidenceFromEvents';
import { actionActor, shownActor, viewActor } from '../../src/cli/render/actors';
import { eventLine } from '../../src/cli/render/eventLine';
import { type ExecutionEvent, SIMULATED_OPERATOR } from '../../src/domain/execution';
import type { RecoveryPlan } from '../../src/domain/plan';
import { at, History, twoWavePlan } from '../projections/support/histories';
import { verifiedLedger } from './support/approvalHistories';

const MARK = 'simulated operator (no person acted)';

const pausedBefore2 = (): RecoveryPlan => {
  const [first, second] = twoWavePlan().waves;
  if (!first || !second) throw new Error('two waves expected');
  return { ...twoWavePlan(), waves: [first, { ...second, pauseBeforeWave: true }] };
};

/** Started and resumed by the simulated operator; wave 2 completes. */
const simulatedDrill = (): History =>
  new History('exec-simulated', pausedBefore2())
    .start(0, { simulated: true })
    .waveStarted(1, 60)
    .waveLaunched(1, 300)
    .run({ type: 'Resume', resumedBy: 'root@drs-ledger-cli', simulated: true, at: at(302) })
    .waveStarted(2, 360)
    .waveLaunched(2, 600)
    .run({ type: 'Finalize', at: at(660) });

const evidenceOf = (events: readonly ExecutionEvent[]): Evidence => evidenceFromEvents(events, verifiedLedger(events));

describe('the simulated operator in the evidence report', () => {
  const events = simulatedDrill().events;
  const evidence = evidenceOf(events);

  it('is its own standing in the evidence (and so in the JSON report), not an unverified person', () => {
    expect(evidence.execution.startedBy).toStrictEqual({ by: SIMULATED_OPERATOR, standing: 'simulated' });
    const resumed = evidence.actions.find((action) => action.action === 'resumed');
    expect(resumed).toMatchObject({ by: SIMULATED_OPERATOR, standing: 'simulated' });
    const json = JSON.parse(renderJson(evidence)) as Evidence;
    expect(json.execution.startedBy.standing).toBe('simulated');
  });

  it('reads "simulated operator (no person acted)" in Markdown and HTML, never as a name', () => {
    const markdown = renderMarkdown(evidence);
    expect(markdown).toContain(MARK);
    expect(markdown).not.toContain('unverified (direct invocation)');
    const html = renderHtml(evidence);
    expect(html).toContain(`<span class="actor simulated">${MARK}</span>`);
    expect(html).not.toContain('unverified (direct invocation)');
  });
});

describe('the simulated operator in the CLI', () => {
  it('events lines mark its start and resume', () => {
    const events = simulatedDrill().events;
    const lines = events.map((event, index) => eventLine(event, events[index - 1]));
    const started = lines.find((line) => line.includes('ExecutionStarted'));
    const resumed = lines.find((line) => line.includes('ExecutionResumed'));
    expect(started).toContain(MARK);
    expect(resumed).toContain(MARK);
    expect(started).not.toContain('unverified');
  });

  it('status names it by its mark: from a view, which records the reserved name', () => {
    expect(shownActor(viewActor(SIMULATED_OPERATOR, {}))).toBe(MARK);
    expect(shownActor(actionActor({ by: SIMULATED_OPERATOR, at: at(1) }))).toBe(MARK);
    // Anyone else without a principal stays an unverified name.
    expect(shownActor(viewActor('simulated-operator-fan', {}))).toBe('simulated-operator-fan · unverified (direct invocation)');
  });
});
