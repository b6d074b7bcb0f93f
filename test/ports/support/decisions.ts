import {
  decide,
  type Decided,
  type ExecutionCommand,
  type ExecutionEvent,
  type ExecutionState,
  initialState,
} from '../../../src/domain/execution';
import type { RecoveryPlan } from '../../../src/domain/plan';
import { at, start } from '../../fixtures/commands';
import { serverId } from '../../fixtures/plan';

/** Commands decided one after another onto `from`: their events and the state after each, as a store appends them. */
export const decideAll = (
  from: ExecutionState,
  ...commands: ExecutionCommand[]
): Decided & { events: ExecutionEvent[]; states: ExecutionState[]; state: ExecutionState } => {
  const events: ExecutionEvent[] = [];
  const states: ExecutionState[] = [];
  let state = from;
  for (const command of commands) {
    const decision = decide(command, state);
    if (!decision.ok) throw new Error(`${command.type} refused: ${JSON.stringify(decision.rejection)}`);
    events.push(...decision.events);
    states.push(...decision.states);
    state = decision.states.at(-1) ?? state;
  }
  return { events, states, state };
};

/** A one-wave plan of `servers` servers, so observations keep producing changes. */
export const oneWavePlan = (planId: string, servers: number): RecoveryPlan => ({
  planId,
  planName: `Plan ${planId}`,
  waves: [{ waveName: 'Everything', sourceServerIds: Array.from({ length: servers }, (_, index) => serverId('ct', index + 1)) }],
});

/** Started, its only wave claimed and its job recorded with every server PENDING (with hostnames): the wave is IN_PROGRESS. */
export const runningWave = (executionId: string, plan: RecoveryPlan, startedAt = at(0)) =>
  decideAll(initialState(), start({ executionId, plan, at: startedAt }), {
    type: 'RecordWaveStarted',
    waveNumber: 1,
    drsJobId: 'drsjob-00000000000000001',
    servers: (plan.waves[0]?.sourceServerIds ?? []).map((id) => ({
      serverId: id,
      launchStatus: 'PENDING',
      hostname: `host-${id.slice(-3)}.hosts.invalid`,
    })),
    at: at(1),
  });

/** DRS seeing server `index` of the only wave move to IN_PROGRESS: one WavePolled. */
export const serverInProgress = (plan: RecoveryPlan, index: number, when = at(2)): ExecutionCommand => ({
  type: 'ObserveWave',
  waveNumber: 1,
  drsJobStatus: 'STARTED',
  servers: [{ serverId: plan.waves[0]?.sourceServerIds[index] as string, launchStatus: 'IN_PROGRESS' }],
  at: when,
});
