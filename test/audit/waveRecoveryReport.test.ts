/**
 * The evidence report of a drill whose waves failed under onWaveFailure PAUSE: each retry is listed with the servers
 * it relaunched and who asked, a skip as a deviation with its reason and actor, and an optional server's failure
 * marked optional among the servers.
 */
import { renderHtml, renderMarkdown } from '../../src/audit';
import { renderGanttSvg } from '../../src/audit/report/gantt';
import { evidenceFromEvents } from '../../src/audit/report/evidenceFromEvents';
import { decide, type ExecutionCommand, type ExecutionEvent, fold, initialState, type ExecutionState } from '../../src/domain/execution';
import type { RecoveryPlan } from '../../src/domain/plan';
import { at, drsJobId, observe, recordWaveStarted, start } from '../fixtures/commands';
import { APP_1, APP_2, APP_3, DB_1, DB_2, samplePlan } from '../fixtures/plan';
import { verifiedLedger } from './support/approvalHistories';

const plan: RecoveryPlan = {
  ...samplePlan,
  onWaveFailure: 'PAUSE',
  waves: [{ ...(samplePlan.waves[0] as RecoveryPlan['waves'][number]), optionalServerIds: [DB_2] }, ...samplePlan.waves.slice(1, 2)],
};

const history = (): ExecutionEvent[] => {
  const events: ExecutionEvent[] = [];
  let state: ExecutionState = initialState();
  const apply = (command: ExecutionCommand) => {
    const decision = decide(command, state);
    if (!decision.ok) throw new Error(JSON.stringify(decision.rejection));
    events.push(...decision.events);
    state = fold(decision.events, state);
  };
  const failed = (serverId: string) => ({ serverId, launchStatus: 'FAILED' as const, failureReason: `LAUNCH_FAILED: ${serverId}` });
  const launched = (serverId: string) => ({ serverId, launchStatus: 'LAUNCHED' as const, recoveryInstanceId: `i-${serverId.slice(2)}` });
  apply(start({ plan }));
  apply(recordWaveStarted(1, at(1), { plan }));
  apply(observe(1, 'COMPLETED', [launched(DB_1), failed(DB_2)], at(10)));
  apply(recordWaveStarted(2, at(11), { plan }));
  apply(observe(2, 'COMPLETED', [launched(APP_1), failed(APP_2), failed(APP_3)], at(20)));
  apply({ type: 'RetryWave', waveNumber: 2, requestedBy: 'alice@example.com', at: at(21) });
  apply({
    type: 'RecordWaveStarted',
    waveNumber: 2,
    drsJobId: drsJobId(2, 2),
    servers: [
      { serverId: APP_2, launchStatus: 'PENDING' },
      { serverId: APP_3, launchStatus: 'PENDING' },
    ],
    at: at(22),
  });
  apply({ ...observe(2, 'COMPLETED', [launched(APP_2), failed(APP_3)], at(30)), drsJobId: drsJobId(2, 2) });
  apply({ type: 'SkipWave', waveNumber: 2, reason: 'APP_3 is retired | next quarter', requestedBy: 'bob@example.com', at: at(31) });
  apply({ type: 'Finalize', at: at(32) });
  return events;
};

describe('the report of a drill with a retry, a skip and an optional failure', () => {
  const events = history();
  const evidence = evidenceFromEvents(events, verifiedLedger(events));

  it('lists the retry and the skip among the operator actions, the skip as a deviation with its reason', () => {
    const actions = evidence.actions.filter((action) => action.action === 'wave-retried' || action.action === 'wave-skipped');
    expect(actions).toEqual([
      expect.objectContaining({
        action: 'wave-retried',
        by: 'alice@example.com',
        standing: 'unverified',
        detail: `wave 2, retry 1: relaunches ${APP_2}, ${APP_3} (2 servers that did not launch)`,
      }),
      expect.objectContaining({ action: 'wave-skipped', by: 'bob@example.com', detail: 'wave 2: APP_3 is retired | next quarter' }),
    ]);
    const markdown = renderMarkdown(evidence);
    const skipLine = markdown.split('\n').find((line) => line.includes('Wave skipped (deviation)'));
    // The reason is the operator's words: shown, its table-breaking characters escaped.
    expect(skipLine).toMatch(/retired \\\| next quarter/);
    expect(renderHtml(evidence)).toContain('Wave retried');
  });

  it('shows the skipped wave as SKIPPED and the optional server that failed as optional', () => {
    expect(evidence.waves.map((wave) => wave.status)).toEqual(['COMPLETED', 'SKIPPED']);
    expect(evidence.servers.find((server) => server.serverId === DB_2)).toMatchObject({ status: 'FAILED', optional: true });
    expect(renderMarkdown(evidence)).toContain('FAILED (optional)');
    expect(renderGanttSvg(evidence)).toContain('failed, skipped');
  });
});
