/**
 * Properties of optional servers and retries, over random plans (some servers optional, 1-3 servers per DRS
 * job), random launch outcomes and random operator answers to a failed wave (retry, skip, a redelivered retry):
 * a retry's jobs never include a server that launched; a wave whose only unlaunched servers are optional
 * always completes; every execution ends COMPLETED with its totals counting each failed server; and deciding on
 * the stored snapshot gives the same events as deciding on the full fold.
 */
import fc from 'fast-check';
import {
  decide,
  type ExecutionCommand,
  type ExecutionEvent,
  type ExecutionState,
  fold,
  initialState,
  isStarted,
  jobsOf,
  partsWithoutJob,
  serversOfPart,
  snapshotOf,
  type StartedExecution,
} from '../../../src/domain/execution';
import type { RecoveryPlan } from '../../../src/domain/plan';
import { planArb } from '../../fixtures/arbitraries';
import { EXECUTION_ID } from '../../fixtures/plan';

interface Scenario {
  plan: RecoveryPlan;
  serversPerJob: number;
  /** Consumed in order: does the next observed server launch? */
  launches: boolean[];
  /** Consumed in order: the operator's answer to each failure pause. */
  answers: Array<'retry' | 'skip' | 'retry-twice'>;
}

const scenarioArb: fc.Arbitrary<Scenario> = planArb.chain((base) =>
  fc
    .record({
      optional: fc.array(fc.array(fc.boolean(), { minLength: 5, maxLength: 5 }), {
        minLength: base.waves.length,
        maxLength: base.waves.length,
      }),
      serversPerJob: fc.integer({ min: 1, max: 3 }),
      launches: fc.array(fc.boolean(), { minLength: 200, maxLength: 200 }),
      answers: fc.array(fc.constantFrom('retry' as const, 'skip' as const, 'retry-twice' as const), { minLength: 40, maxLength: 40 }),
    })
    .map(({ optional, serversPerJob, launches, answers }) => ({
      plan: {
        ...base,
        onWaveFailure: 'PAUSE' as const,
        waves: base.waves.map((wave, index) => ({
          ...wave,
          optionalServerIds: wave.sourceServerIds.filter((_, serverIndex) => optional[index]?.[serverIndex] === true),
        })),
      },
      serversPerJob,
      launches,
      answers,
    })),
);

const run = (scenario: Scenario) => {
  let state: ExecutionState = initialState();
  const events: ExecutionEvent[] = [];
  const launchedBefore = new Set<string>();
  const violations: string[] = [];
  let minute = 0;
  let jobSeq = 0;
  let launchIndex = 0;
  let answerIndex = 0;
  const at = () => new Date(Date.UTC(2025, 2, 1, 10, (minute += 1))).toISOString();
  const apply = (command: ExecutionCommand): boolean => {
    const decision = decide(command, state);
    if (!decision.ok) throw new Error(`${command.type} refused: ${JSON.stringify(decision.rejection)}`);
    // The ledger decides on stored snapshots: they must lead to the very same events as the full fold.
    const fromSnapshot = decide(command, snapshotOf(state));
    if (JSON.stringify(fromSnapshot.ok && fromSnapshot.events) !== JSON.stringify(decision.events)) {
      violations.push(`${command.type} decides otherwise on the snapshot`);
    }
    events.push(...decision.events);
    state = fold(decision.events, state);
    return decision.events.length > 0;
  };
  apply({
    type: 'StartExecution',
    executionId: EXECUTION_ID,
    plan: scenario.plan,
    executionType: 'DRILL',
    initiatedBy: 'ops',
    serversPerJob: scenario.serversPerJob,
    at: at(),
  });
  for (let step = 0; step < 500 && state.status !== 'COMPLETED'; step += 1) {
    const current = state as StartedExecution;
    if (current.status === 'PAUSED' && current.pauseReason === 'WAVE_FAILED') {
      const answer = scenario.answers[answerIndex++ % scenario.answers.length];
      const waveNumber = current.nextWave;
      const exhausted = (current.waves[waveNumber - 1]?.retryRound ?? 0) >= 5;
      if (answer === 'skip' || exhausted) apply({ type: 'SkipWave', waveNumber, reason: 'accepted as is', requestedBy: 'ops', at: at() });
      else {
        apply({ type: 'RetryWave', waveNumber, requestedBy: 'ops', at: at() });
        if (answer === 'retry-twice' && apply({ type: 'RetryWave', waveNumber, requestedBy: 'ops', at: at() })) {
          violations.push(`a redelivered retry of wave ${waveNumber} appended events`);
        }
      }
      continue;
    }
    if (current.status === 'PAUSED') {
      apply({ type: 'Resume', resumedBy: 'ops', at: at() });
      continue;
    }
    if (current.status !== 'RUNNING') throw new Error(`unexpected ${current.status}`);
    const wave = current.waves.find((candidate) => candidate.status === 'STARTING' || candidate.status === 'IN_PROGRESS');
    if (!wave) {
      if (current.waves.every((candidate) => candidate.status === 'COMPLETED' || candidate.status === 'SKIPPED'))
        apply({ type: 'Finalize', at: at() });
      else apply({ type: 'Advance', at: at() });
      continue;
    }
    if (wave.status === 'STARTING') {
      const part = partsWithoutJob(current, wave)[0] ?? 1;
      const servers = serversOfPart(current, wave, part).map((server) => server.serverId);
      const relaunched = servers.filter((serverId) => launchedBefore.has(serverId));
      if (relaunched.length) violations.push(`wave ${wave.waveNumber} part ${part} relaunches ${relaunched.join(', ')}`);
      jobSeq += 1;
      const drsJobId = `drsjob-${String(jobSeq).padStart(17, '0')}`;
      apply({
        type: 'RecordWaveStarted',
        waveNumber: wave.waveNumber,
        part,
        drsJobId,
        servers: servers.map((serverId) => ({ serverId, launchStatus: 'PENDING' })),
        at: at(),
      });
      continue;
    }
    const job = jobsOf(wave).find((candidate) => candidate.drsJobStatus !== 'COMPLETED');
    if (!job) throw new Error(`wave ${wave.waveNumber} in progress with every job completed`);
    const servers = serversOfPart(current, wave, job.part).map((server) => {
      const launches = scenario.launches[launchIndex++ % scenario.launches.length] === true;
      if (launches) launchedBefore.add(server.serverId);
      return launches
        ? { serverId: server.serverId, launchStatus: 'LAUNCHED' as const, recoveryInstanceId: `i-${server.serverId.slice(2)}` }
        : { serverId: server.serverId, launchStatus: 'FAILED' as const, failureReason: 'LAUNCH_FAILED' };
    });
    apply({ type: 'ObserveWave', waveNumber: wave.waveNumber, drsJobId: job.drsJobId, drsJobStatus: 'COMPLETED', servers, at: at() });
  }
  return { state, events, violations };
};

describe('optional servers and retries, over random plans and outcomes', () => {
  it("a retry's jobs never include a server that launched, a redelivered retry appends nothing, and the execution completes", () => {
    fc.assert(
      fc.property(scenarioArb, (scenario) => {
        const { state, events, violations } = run(scenario);
        expect(violations).toEqual([]);
        expect(state.status).toBe('COMPLETED');
        if (!isStarted(state)) return;
        const finalized = events.find((event) => event.type === 'Finalized');
        const failed = state.waves.flatMap((wave) => wave.servers).filter((server) => server.launchStatus === 'FAILED').length;
        expect(finalized?.type === 'Finalized' && finalized.data.failedServers).toBe(failed);
      }),
      { numRuns: 200 },
    );
  });

  it('a wave whose only unlaunched servers are optional always completes', () => {
    fc.assert(
      fc.property(scenarioArb, (scenario) => {
        const { events } = run(scenario);
        const optional = new Set(scenario.plan.waves.flatMap((wave) => wave.optionalServerIds ?? []));
        for (const event of events) {
          if (event.type === 'WaveFailed') expect(event.data.failedServers.some((server) => !optional.has(server.serverId))).toBe(true);
          if (event.type === 'WaveCompleted') {
            for (const server of event.data.optionalFailures ?? []) expect(optional.has(server.serverId)).toBe(true);
          }
        }
      }),
      { numRuns: 200 },
    );
  });
});
