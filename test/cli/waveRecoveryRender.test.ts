/**
 * How the CLI shows a failed wave's pause, a retry and a skip: `events` names what each did and who (marked
 * verified or not), and the live block says which commands answer the pause.
 */
import { replayView } from '../../projections/projectExecutionView';
import { type ExecutionCommand, type ExecutionEvent } from '../../src/domain/execution';
import type { RecoveryPlan } from '../../src/domain/plan';
import { eventLine } from '../../src/cli/render/eventLine';
import { progressBlock } from '../../src/cli/render/progressBlock';
import { at, observe, recordWaveStarted, start } from '../fixtures/commands';
import { APP_1, APP_2, APP_3, samplePlan } from '../fixtures/plan';
import { givenCommands } from '../support/deciderSpec';

const plan: RecoveryPlan = { ...samplePlan, onWaveFailure: 'PAUSE', waves: samplePlan.waves.slice(1, 2) };
const paused: ExecutionCommand[] = [
  start({ plan }),
  recordWaveStarted(1, at(1), { plan }),
  observe(
    1,
    'COMPLETED',
    [
      { serverId: APP_1, launchStatus: 'LAUNCHED' },
      { serverId: APP_2, launchStatus: 'FAILED' },
      { serverId: APP_3, launchStatus: 'LAUNCHED' },
    ],
    at(10),
  ),
];
const lineOf = (events: readonly ExecutionEvent[], type: ExecutionEvent['type']): string => {
  const index = events.findIndex((event) => event.type === type);
  return eventLine(events[index] as ExecutionEvent, events[index - 1]);
};

describe('the CLI on a failed wave', () => {
  it('the live block of a pause on a failure gives the retry and skip commands', () => {
    const { events } = givenCommands(...paused);
    const view = replayView(events);
    if (!view) throw new Error('no view');
    const text = progressBlock(view, { nowMs: Date.parse(at(11)), columns: 200, watchingSinceMs: Date.parse(at(0)) })
      .map((line) => line.text)
      .join('\n');
    expect(text).toContain(`wave 1 failed for 1m 00s: drs-ledger retry ${view.executionId} --wave 1, or skip --wave 1 --reason "…"`);
  });

  it('events names the retry and the skip, with their actors marked unverified', () => {
    const { events } = givenCommands(
      ...paused,
      { type: 'RetryWave', waveNumber: 1, requestedBy: 'carol', at: at(11) },
      recordWaveStarted(1, at(12), { plan, servers: [{ serverId: APP_2, launchStatus: 'PENDING' }], drsJobId: 'drsjob-retry00000000000' }),
      { ...observe(1, 'COMPLETED', [{ serverId: APP_2, launchStatus: 'FAILED' }], at(20)), drsJobId: 'drsjob-retry00000000000' },
      { type: 'SkipWave', waveNumber: 1, reason: 'retired server', requestedBy: 'dave', at: at(21) },
    );
    expect(lineOf(events, 'WaveRetryRequested')).toMatch(/carol.*unverified.*wave 1 retry 1: relaunches s-app/);
    expect(lineOf(events, 'WaveSkipped')).toMatch(/dave.*unverified.*wave 1 skipped \(deviation\): retired server/);
  });
});
