import { simulate } from '../simulation/simulate';
import { recordFigures } from './support/figures';

/**
 * The deterministic simulator's row of the table: many seeds of whole drills under crashes, lost, duplicated and
 * reordered deliveries, DRS faults and skewed clocks (test/simulation), every invariant checked after every step.
 * `npm test` runs 300 seeds; this runs more; `npm run simulate -- --seeds 10000` more still.
 */
const SEEDS = 2_000;
const FIRST_SEED = 100_001;

describe('Deterministic simulation', () => {
  it(`keeps every invariant over ${SEEDS} seeds`, async () => {
    const started = Date.now();
    const totals = { steps: 0, faults: 0, events: 0, executions: 0, minutes: 0, slowestMs: 0 };
    const failures: string[] = [];
    for (let seed = FIRST_SEED; seed < FIRST_SEED + SEEDS; seed += 1) {
      const result = await simulate(seed);
      totals.steps += result.steps;
      totals.faults += result.faults.total;
      totals.events += result.events;
      totals.executions += result.executions;
      totals.minutes += result.simulatedMinutes;
      totals.slowestMs = Math.max(totals.slowestMs, result.slowestAnswer?.ms ?? 0);
      for (const failure of result.failures) failures.push(`seed ${seed}: ${failure.invariant}: ${failure.detail}`);
    }
    const lost = failures.filter((failure) => failure.includes('nothing lost')).length;
    const duplicated = failures.filter((failure) => failure.includes('one DRS job per wave part')).length;
    const brokenChains = new Set(failures.filter((failure) => failure.includes('chain valid')).map((failure) => failure.split(':')[0]));
    recordFigures({
      scenario: 'Deterministic simulation',
      operations: totals.steps,
      faultsInjected: totals.faults,
      eventsChecked: totals.events,
      lost,
      duplicated,
      chainsValid: totals.executions - brokenChains.size,
      chainsChecked: totals.executions,
      seconds: (Date.now() - started) / 1000,
      note: `${SEEDS} seeds (${FIRST_SEED}..${FIRST_SEED + SEEDS - 1}), ${totals.steps} steps, ${Math.round(totals.minutes / 60)} simulated hours, ${totals.faults} faults; slowest answer ${totals.slowestMs} simulated ms; invariant failures ${failures.length}`,
    });
    expect(failures.slice(0, 20)).toEqual([]);
  }, 600_000);
});
