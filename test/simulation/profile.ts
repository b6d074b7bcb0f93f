import type { RecoveryPlan, Wave } from '../../src/domain/plan';
import type { DrsFaults } from './drs';
import type { SimRandom } from './random';

/** What one seed's world is like: its plans, who drives them, and how hostile it is. */
export interface SimProfile {
  plans: RecoveryPlan[];
  /** Each plan's execution type. */
  executionTypes: Array<'DRILL' | 'RECOVERY'>;
  /** A Step Functions run paces each execution (else the scheduled find alone drives them). */
  withWorkflow: boolean;
  /** Every invocation's clock is off by up to this much, either way. */
  skewBoundMs: number;
  /** Per request an invocation makes: the chance it dies there. */
  crashProbability: number;
  /** Chance an invocation (scheduled find, async poll) is lost, or delivered twice. */
  lostInvocation: number;
  duplicateInvocation: number;
  /** Chance a projector batch is shuffled, or carries records delivered before. */
  reorderBatch: number;
  duplicateRecords: number;
  drs: DrsFaults;
  /** Chance a DynamoDB request fails (throttled) before it takes effect. */
  dynamoErrors: number;
  /** Mean minutes between an operator's actions while faults last. */
  operatorEveryMinutes: number;
  /** Faults (and the operators' random actions) stop after this much simulated time. */
  faultHorizonMs: number;
  /** Servers per DRS job (the handler's MAX_SERVERS_PER_JOB): small, so that waves run as several jobs. */
  serversPerJob: number;
}

/** Who may approve the waves that need it; the simulation's approver acts as this role. */
const APPROVERS = 'arn:aws:sts::123456789012:assumed-role/DRApprover/*';
export const APPROVER = 'arn:aws:sts::123456789012:assumed-role/DRApprover/alice';

const SKEWS_MS = [0, 0, 1_000, 30_000, 120_000, 360_000];

const serverId = (plan: number, wave: number, index: number): string =>
  `s-${String(plan)}${String(wave)}${String(index)}${'abcdefghijklmn'.slice(0, 14)}`.slice(0, 19);

const planOf = (random: SimRandom, index: number): RecoveryPlan => {
  const waves: Wave[] = [];
  const waveCount = random.int(2, 4);
  for (let w = 1; w <= waveCount; w += 1) {
    const servers = Array.from({ length: random.int(1, 3) }, (_, i) => serverId(index, w, i));
    const optional = servers.length > 1 && random.chance(0.25) ? [servers[0] as string] : [];
    const approval =
      w > 1 && random.chance(0.25)
        ? {
            approvers: [APPROVERS],
            // Started by a direct invocation (unverified): separation of duties would let nobody approve.
            excludeStarter: false,
            ...(random.chance(0.6)
              ? { timeoutMinutes: random.pick([15, 30, 45]), onTimeout: random.pick(['CANCEL', 'CONTINUE'] as const) }
              : {}),
          }
        : undefined;
    waves.push({
      waveName: `wave-${w}`,
      sourceServerIds: servers,
      ...(approval ? { approval } : w > 1 && random.chance(0.3) ? { pauseBeforeWave: true } : {}),
      ...(optional.length ? { optionalServerIds: optional } : {}),
    });
  }
  return {
    planId: `rp-sim-${index}`,
    planName: `Simulated plan ${index}`,
    waves,
    rtoTargetMinutes: 120,
    ...(random.chance(0.3) ? { drillKeepAliveMinutes: random.pick([5, 20]) } : {}),
    ...(random.chance(0.5) ? { onWaveFailure: 'PAUSE' as const } : {}),
  };
};

/** Draws a world from the seed: the first draws of every run, so a seed always names the same world. */
export const profileOf = (random: SimRandom): SimProfile => {
  const planCount = random.int(1, 2);
  const plans = Array.from({ length: planCount }, (_, i) => planOf(random, i + 1));
  const hostile = random.next();
  return {
    plans,
    executionTypes: plans.map(() => (random.chance(0.7) ? 'DRILL' : 'RECOVERY')),
    withWorkflow: random.chance(0.6),
    skewBoundMs: random.pick(SKEWS_MS),
    crashProbability: hostile * 0.03,
    lostInvocation: hostile * 0.1,
    duplicateInvocation: hostile * 0.15,
    reorderBatch: hostile * 0.3,
    duplicateRecords: hostile * 0.3,
    drs: { throttle: hostile * 0.08, lostStartAnswer: hostile * 0.2, serverFails: hostile * 0.15 },
    operatorEveryMinutes: random.pick([4, 8, 15, 30]),
    faultHorizonMs: random.int(20, 90) * 60_000,
    serversPerJob: random.pick([1, 2, 200]),
    dynamoErrors: hostile * 0.01,
  };
};
