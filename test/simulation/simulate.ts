import { fold, initialState, isTerminal } from '../../src/domain/execution';
import { checkDrift } from '../../src/audit/checkDrift';
import { rebuildDrill, type RebuildDrillOutcome } from './rebuildDrill';
import { type InvariantFailure, StepInvariants } from './invariants';
import { profileOf, type SimProfile } from './profile';
import { SimRandom } from './random';
import { SIM_START_MS, SimWorld } from './world';

/**
 * Which world a seed names: bumped whenever the simulator draws differently (a new fault, a new actor), since a
 * seed's world and interleaving change with it. Version 1 (8679057, 7197132) found the defects listed in
 * simulation.test.ts; version 2 added approvals, keep-alives, split waves and DynamoDB faults; version 3 has
 * the polls of one container share their DescribeJobs (src/operations/sharedJobReads.ts) and ends with an
 * operator's rebuild that dies mid-way (rebuildDrill.ts).
 */
export const SIMULATION_VERSION = 3;

export interface SimulationOptions {
  /** The injected bug the simulator must catch: appends without their seq condition. */
  unconditionalAppends?: boolean;
  /** Keep the whole trace (it is always kept; printed only when asked or on failure). */
  maxSettleMs?: number;
}

export interface SimulationResult {
  seed: number;
  ok: boolean;
  failures: InvariantFailure[];
  steps: number;
  simulatedMinutes: number;
  executions: number;
  events: number;
  faults: {
    crashes: number;
    lostInvocations: number;
    duplicatedInvocations: number;
    reorderedBatches: number;
    duplicatedRecords: number;
    total: number;
  };
  profile: Pick<SimProfile, 'withWorkflow' | 'skewBoundMs' | 'crashProbability'> & { plans: number; waves: number; servers: number };
  /**
   * Polls that found their jobs freshly read by another execution's poll (sharedJobReads): each spared its own
   * DescribeJobs unless that answer showed a change.
   */
  sharedReadsOffered: number;
  /** Whether the rebuild drill's first run died mid-write, tearing its checkpoint. */
  rebuildTorn: boolean;
  /** The invocation that took longest to answer, in simulated time (its name and ms). */
  slowestAnswer: { name: string; ms: number } | undefined;
  trace: string[];
}

/** After faults stop, how long everything has to settle (every execution ended, the stream drained). */
const SETTLE_MS = 8 * 3600_000;
/** What a wave's and an execution's measured times may differ from the truth by, beyond the clocks' skew. */
const RTO_SLACK_MS = 2_000;

const minutes = (random: SimRandom, mean: number): number => Math.max(5_000, Math.round(-Math.log(1 - random.next()) * mean * 60_000));

/** Runs one seed's world to its end and checks every invariant; the same seed always runs the same. */
export const simulate = async (seed: number, options: SimulationOptions = {}): Promise<SimulationResult> => {
  const random = new SimRandom(seed);
  const profile = profileOf(random);
  const world = new SimWorld(random, profile, { unconditionalAppends: options.unconditionalAppends === true });
  const invariants = new StepInvariants(world);
  const { scheduler } = world;
  const horizon = SIM_START_MS + profile.faultHorizonMs;
  // Executions are whatever the ledger holds: a start whose answer was lost still started one.
  const executions = (): string[] => [...world.ledger.byExecution.keys()];
  let startersLeft = profile.plans.length;
  world.note(
    `seed ${seed}: ${profile.plans.length} plan(s) ${profile.plans.map((p) => p.waves.map((w) => w.sourceServerIds.length).join('+')).join(', ')} servers; ` +
      `${profile.withWorkflow ? 'Step Functions' : 'find only'}; skew ±${profile.skewBoundMs / 1000}s; crash ${profile.crashProbability.toFixed(4)}/request; faults for ${profile.faultHorizonMs / 60_000} min`,
  );

  world.stepped = () => invariants.check();

  /** An approver's request, through the operator API. */
  const approval = (action: 'approve' | 'decline', executionId: string, waveNumber: number): Record<string, unknown> => ({
    operation: action,
    executionId,
    waveNumber,
    comment: action === 'approve' ? 'Approved in simulation' : 'Declined in simulation',
  });
  const ask = (request: Record<string, unknown>) =>
    request.operation === 'approve' || request.operation === 'decline'
      ? world.invokeApi(request.operation, String(request.executionId), { comment: request.comment, waveNumber: request.waveNumber })
      : world.invoke(request);

  // The world's drivers: plans loaded, starts, the schedule, the stream, operators, and faults ending.
  world.spawnDriver('setup', async () => {
    for (const plan of profile.plans) await world.plans.put(plan);
  });
  profile.plans.forEach((plan, index) => {
    world.spawnDriver(
      `starter ${plan.planId}`,
      async () => {
        for (let attempt = 0; attempt < 4; attempt += 1) {
          const answer = await world
            .invoke({
              operation: 'start_execution',
              planId: plan.planId,
              executionType: profile.executionTypes[index],
              initiatedBy: 'sim-operator',
            })
            .receive();
          if (answer.answered && answer.response.statusCode < 500) break;
          await scheduler.sleep(60_000, 'operator retries the start');
        }
        startersLeft -= 1;
      },
      SIM_START_MS + random.int(1, 600) * 1000,
    );
  });
  world.spawnDriver('eventbridge', async () => {
    for (;;) {
      await scheduler.sleep(60_000, 'schedule');
      const copies = world.faultCopies();
      for (let i = 0; i < copies; i += 1) world.spawnDriver('scheduled find', () => world.asyncInvoke({ operation: 'find' }));
    }
  });
  world.spawnDriver('stream', () => world.pollStream());
  world.spawnDriver('operators', async () => {
    while (scheduler.nowMs < horizon) {
      await scheduler.sleep(minutes(random, profile.operatorEveryMinutes), 'operator thinks');
      const known = executions();
      const executionId = known.length ? random.pick(known) : undefined;
      const head = executionId ? world.ledger.headOf(executionId) : undefined;
      if (!executionId || !head || head.state.status === 'NOT_STARTED' || isTerminal(head.state)) continue;
      const planId = head.state.planId;
      const roll = random.next();
      const failedWave = head.state.waves.find((wave) => wave.status === 'FAILED');
      let event: Record<string, unknown>;
      if (head.state.status === 'PAUSED' && failedWave && roll < 0.8) {
        event =
          roll < 0.5
            ? { operation: 'retry_wave', executionId, planId, requestedBy: 'sim-operator', waveNumber: failedWave.waveNumber }
            : {
                operation: 'skip_wave',
                executionId,
                planId,
                requestedBy: 'sim-operator',
                waveNumber: failedWave.waveNumber,
                reason: 'Simulated operator skips it',
              };
      } else if (roll < 0.05) event = { operation: 'cancel', executionId, planId, requestedBy: 'sim-operator' };
      else if (roll < 0.5) event = { operation: 'pause', executionId, planId, requestedBy: 'sim-operator' };
      else event = { operation: 'resume', executionId, planId, requestedBy: 'sim-operator' };
      const act = (request: Record<string, unknown>) =>
        world.spawnDriver(`operator ${String(request.operation)}`, async () => {
          const answer = await ask(request).receive();
          // No answer: the operator asks again (the same request, delivered twice if the first did land).
          if (!answer.answered) await ask(request).receive();
        });
      // A wave that waits for approval: the approver (through the operator API, as IAM verified) lets it or declines.
      const waiting = head.state.status === 'PAUSED' && head.state.approval !== undefined ? head.state.nextWave : undefined;
      if (waiting !== undefined && roll > 0.3) event = approval(roll < 0.9 ? 'approve' : 'decline', executionId, waiting);
      act(event);
      // Two operators who disagree, at the same moment: one resumes or pauses while the other cancels.
      if (random.chance(0.15))
        act({ operation: event.operation === 'cancel' ? 'resume' : 'cancel', executionId, planId, requestedBy: 'second-operator' });
    }
  });
  world.spawnDriver(
    'faults end',
    async () => {
      scheduler.faultsOn = false;
      world.note('== faults stop');
      // Whoever is left paused is resumed, or has its failed wave skipped, until everything ends.
      for (;;) {
        await scheduler.sleep(120_000, 'closing operator');
        for (const executionId of executions()) {
          const head = world.ledger.headOf(executionId);
          if (!head || head.state.status !== 'PAUSED') continue;
          const { planId } = head.state;
          // Paused on a failed wave: skip it (or finish a retry or skip whose first write alone landed); else resume.
          const stuck = head.state.pauseReason === 'WAVE_FAILED' ? head.state.waves[head.state.nextWave - 1] : undefined;
          const waiting = head.state.approval !== undefined;
          await ask(
            waiting
              ? approval('approve', executionId, head.state.nextWave)
              : stuck
                ? stuck.status === 'PENDING'
                  ? { operation: 'retry_wave', executionId, planId, requestedBy: 'closing-operator', waveNumber: stuck.waveNumber }
                  : {
                      operation: 'skip_wave',
                      executionId,
                      planId,
                      requestedBy: 'closing-operator',
                      waveNumber: stuck.waveNumber,
                      reason: 'Closing the simulation',
                    }
                : { operation: 'resume', executionId, planId, requestedBy: 'closing-operator' },
          ).receive();
        }
      }
    },
    horizon,
  );

  const settled = (): boolean => {
    if (scheduler.nowMs < horizon || startersLeft > 0) return false;
    const ended = executions().every((executionId) => {
      const state = world.ledger.headOf(executionId)?.state;
      if (!state || !isTerminal(state)) return false;
      return state.executionType !== 'DRILL' || state.cleanup?.status === 'COMPLETED';
    });
    return ended && world.quiet && world.streamDrained;
  };
  const done = await scheduler.run(settled, horizon + (options.maxSettleMs ?? SETTLE_MS));
  if (!done) {
    const stuck = executions().map(
      (id) =>
        `${id} ${world.ledger.headOf(id)?.state.status ?? 'none'}${(() => {
          const s = world.ledger.headOf(id)?.state;
          return s && isTerminal(s) && s.executionType === 'DRILL' ? ` cleanup ${s.cleanup?.status ?? 'none'}` : '';
        })()}`,
    );
    invariants.fail(
      'every execution ends once faults stop',
      `after ${SETTLE_MS / 3600_000} h without faults: ${stuck.join('; ') || 'no execution'}${startersLeft ? `; ${startersLeft} start(s) unanswered` : ''}${world.streamDrained ? '' : '; stream not drained'}`,
    );
  }

  // The last checks, made as an auditor would, through the same ports.
  let drift: Awaited<ReturnType<typeof checkDrift>> | undefined;
  world.spawnDriver('auditor', async () => {
    drift = await checkDrift({ ledger: world.ledger, views: world.views });
  });
  await scheduler.run(() => drift !== undefined, Infinity);
  for (const drifted of drift?.drifted ?? []) {
    invariants.fail(
      'views equal their replay',
      `${drifted.executionId}: ${drifted.kind}${drifted.fields.length ? ` (${drifted.fields.slice(0, 5).join(', ')})` : ''}${drifted.detail ? `: ${drifted.detail}` : ''}`,
    );
  }
  // Then an operator rebuilds every view from the ledger, dies mid-way (mid-write, perhaps) and runs it again.
  let rebuilt: RebuildDrillOutcome | undefined;
  world.spawnDriver('rebuilder', async () => {
    rebuilt = await rebuildDrill(random, world.ledger, executions().length);
  });
  await scheduler.run(() => rebuilt !== undefined, Infinity);
  for (const problem of rebuilt?.problems ?? []) invariants.fail('a rebuild cut short finishes when run again', problem);
  invariants.checkApprovalsResumed();
  for (const executionId of executions()) {
    checkRto(world, invariants, executionId);
    // A drill's cleanup that says it completed left nothing running that the drill launched.
    const state = world.ledger.headOf(executionId)?.state;
    if (state && isTerminal(state) && state.executionType === 'DRILL' && state.cleanup?.status === 'COMPLETED') {
      const left = world.drs.remainingInstancesOf(executionId);
      if (left.length)
        invariants.fail('no drill instance left behind', `${executionId}: cleanup COMPLETED but DRS still lists ${left.join(', ')}`);
    }
  }

  const events = world.ledger.written.length;
  const waves = profile.plans.reduce((sum, plan) => sum + plan.waves.length, 0);
  const servers = profile.plans.reduce((sum, plan) => sum + plan.waves.reduce((s, wave) => s + wave.sourceServerIds.length, 0), 0);
  const f = world.faults;
  return {
    seed,
    ok: invariants.failures.length === 0,
    failures: invariants.failures,
    steps: scheduler.steps,
    simulatedMinutes: Math.round((scheduler.nowMs - SIM_START_MS) / 60_000),
    executions: executions().length,
    events,
    sharedReadsOffered: world.sharedReads.offered,
    rebuildTorn: rebuilt?.torn === true,
    faults: {
      ...f,
      total: f.crashes + f.lostInvocations + f.duplicatedInvocations + f.reorderedBatches + f.duplicatedRecords + f.dynamoErrors,
    },
    profile: {
      withWorkflow: profile.withWorkflow,
      skewBoundMs: profile.skewBoundMs,
      crashProbability: profile.crashProbability,
      plans: profile.plans.length,
      waves,
      servers,
    },
    slowestAnswer: world.invocations.reduce<{ name: string; ms: number } | undefined>((slowest, invocation) => {
      const ms = invocation.answeredMs === undefined ? -1 : invocation.answeredMs - invocation.startedMs;
      return ms > (slowest?.ms ?? -1) ? { name: `#${invocation.actor.id} ${invocation.actor.name}`, ms } : slowest;
    }, undefined),
    trace: world.trace,
  };
};

/**
 * The measured RTO (the report's: from the execution's start to each completed wave's end) is within the clocks'
 * skew of the truth (when the items that record them were written), whatever the skew did.
 */
const checkRto = (world: SimWorld, invariants: StepInvariants, executionId: string): void => {
  const items = world.ledger.byExecution.get(executionId) ?? [];
  const first = items[0];
  if (!first) return;
  const state = fold(
    items.map((item) => item.stored.event),
    initialState(),
  );
  if (state.status === 'NOT_STARTED') return;
  const bound = 2 * world.profile.skewBoundMs + RTO_SLACK_MS;
  for (const wave of state.waves) {
    if (wave.status !== 'COMPLETED' || !wave.endTime) continue;
    const measured = Date.parse(wave.endTime) - Date.parse(state.startTime);
    const completed = items.find(
      (item) =>
        item.stored.event.type === 'WaveCompleted' && (item.stored.event.data as { waveNumber: number }).waveNumber === wave.waveNumber,
    );
    if (!completed) continue;
    const truth = completed.trueMs - first.trueMs;
    if (Math.abs(measured - truth) > bound) {
      invariants.fail(
        'measured RTO within the skew of the truth',
        `${executionId} wave ${wave.waveNumber}: measured ${Math.round(measured / 1000)}s, truly ${Math.round(truth / 1000)}s (bound ${bound / 1000}s)`,
      );
    }
  }
};

export { SimRandom };
