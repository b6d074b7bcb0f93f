import type { AccountsEvidence, Evidence, SimulationEvidence } from './evidence';
import { describeRto } from './format';

/** The mark's word, the same in every format. */
export const SIMULATED_WORD = 'SIMULATED';

const factor = (simulation: SimulationEvidence): string =>
  simulation.speed === undefined ? 'at a speed the ledger does not say' : `${simulation.speed}× faster than the clock`;

const simulator = (simulation: SimulationEvidence): string =>
  simulation.drs === 'emulator' ? "drs-ledger's local DRS emulator" : 'a simulated DRS (not named in the ledger)';

/** "drs-ledger's local DRS emulator, 100× faster than the clock": the DRS fact of a simulated run. */
export const simulationShort = (simulation: SimulationEvidence): string => `${simulator(simulation)}, ${factor(simulation)}`;

/**
 * What a simulated run is and is not, in one sentence: the durations shown are real seconds of a DRS emulator.
 * `rto`: the overall RTO restated in simulated DRS time, when the speed is known.
 */
export const simulationSentence = (evidence: Evidence): string => {
  const simulation = evidence.simulation as SimulationEvidence;
  const who = simulator(simulation);
  const restated = evidence.rto.simulated
    ? ` In simulated DRS time (real time × ${evidence.rto.simulated.speed}, time paused counted once) the RTO is ${describeRto(evidence.rto.simulated)}.`
    : '';
  return (
    `DRS was simulated: ${who}, running ${factor(simulation)}. Times and durations in this report are real (wall-clock) time.` +
    `${restated} This is no evidence of a recovery on AWS.`
  );
};

/** "55m 00s · target 60m · MET (simulated DRS time, ×100)", for the RTO line of a simulated run. */
export const simulatedRtoText = (simulated: NonNullable<Evidence['rto']['simulated']>): string =>
  `${describeRto(simulated)} (simulated DRS time, ×${simulated.speed})`;

const place = (accountId: string | undefined, region: string | undefined): string =>
  `account ${accountId ?? '(id not recorded)'} · ${region ?? 'Region not recorded'}`;

/** "account 123456789012 · eu-west-1 (the plan's target)". Values come from the ledger: the caller escapes the whole. */
export const targetText = (target: AccountsEvidence['target']): string => {
  switch (target.basis) {
    case 'plan-target':
      return `${place(target.accountId, target.region)} (the plan's target)`;
    case 'function':
      return `${place(target.accountId, target.region)} (the function's own account: the plan names no target)`;
    default:
      return 'not recorded (the ledger was written before starts recorded it)';
  }
};

/** "account 111122223333 · us-west-2: 25 servers", each group; servers DRS said nothing of, said so. */
export const sourceText = (source: AccountsEvidence['source']): string => {
  if (source.basis === 'not-recorded')
    return 'not recorded (DRS could not be asked at the start, or the ledger was written before starts recorded it)';
  if (source.origins.length === 0) return 'no servers described';
  const groups = source.origins.map((origin) => {
    const servers = `${origin.servers} server${origin.servers === 1 ? '' : 's'}`;
    if (origin.more) return `${servers} in further places`;
    if (origin.accountId === undefined && origin.region === undefined)
      return `${servers} not reported by DRS (outside AWS, or unknown to it)`;
    return `${place(origin.accountId, origin.region)}: ${servers}`;
  });
  return `${groups.join('; ')} (as DRS reported them at the start)`;
};
