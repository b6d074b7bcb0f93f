import { SIMULATION_VERSION, simulate, type SimulationResult } from './simulate';

/**
 * `npm run simulate -- --seeds N [--from S]`: runs N seeds and prints each failure with its seed;
 * `npm run simulate -- --seed S [--trace]`: replays one seed exactly, with its trace.
 */
const argument = (name: string): string | undefined => {
  const index = process.argv.indexOf(name);
  return index === -1 ? undefined : process.argv[index + 1];
};

const describe = (result: SimulationResult): string =>
  `seed ${result.seed} (simulation v${SIMULATION_VERSION}): ${result.ok ? 'ok' : 'FAILED'} · ${result.steps} steps · ${result.simulatedMinutes} simulated min · ` +
  `${result.executions} executions · ${result.events} events · ${result.faults.total} faults`;

const main = async (): Promise<number> => {
  const bug = process.argv.includes('--inject-unconditional-append');
  const one = argument('--seed');
  if (one !== undefined) {
    const result = await simulate(Number(one), { unconditionalAppends: bug });
    if (process.argv.includes('--trace') || !result.ok) process.stdout.write(`${result.trace.join('\n')}\n`);
    process.stdout.write(`${describe(result)}\n`);
    for (const failure of result.failures) process.stdout.write(`  ${failure.invariant}: ${failure.detail} (step ${failure.step})\n`);
    return result.ok ? 0 : 1;
  }
  const count = Number(argument('--seeds') ?? '100');
  const from = Number(argument('--from') ?? '1');
  const started = Date.now();
  const totals = { steps: 0, faults: 0, events: 0, sharedReads: 0, tornRebuilds: 0, slowestMs: 0, failedSeeds: [] as number[] };
  for (let seed = from; seed < from + count; seed += 1) {
    const result = await simulate(seed, { unconditionalAppends: bug });
    totals.steps += result.steps;
    totals.faults += result.faults.total;
    totals.events += result.events;
    totals.sharedReads += result.sharedReadsOffered;
    if (result.rebuildTorn) totals.tornRebuilds += 1;
    totals.slowestMs = Math.max(totals.slowestMs, result.slowestAnswer?.ms ?? 0);
    if (!result.ok) {
      totals.failedSeeds.push(seed);
      process.stdout.write(`${describe(result)}\n`);
      for (const failure of result.failures) process.stdout.write(`  ${failure.invariant}: ${failure.detail}\n`);
      process.stdout.write(`  replay: npm run simulate -- --seed ${seed} --trace\n`);
    }
  }
  const seconds = (Date.now() - started) / 1000;
  process.stdout.write(
    `${count} seeds (${from}..${from + count - 1}, simulation v${SIMULATION_VERSION}) in ${seconds.toFixed(1)} s: ${count - totals.failedSeeds.length} passed, ${totals.failedSeeds.length} failed; ` +
      `${totals.steps} steps, ${totals.events} events, ${totals.faults} faults injected, ${totals.sharedReads} polls offered another's fresh read, ${totals.tornRebuilds} rebuilds dead mid-write; slowest answer ${totals.slowestMs} simulated ms\n`,
  );
  if (totals.failedSeeds.length) process.stdout.write(`failed seeds: ${totals.failedSeeds.join(' ')}\n`);
  return totals.failedSeeds.length === 0 ? 0 : 1;
};

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(2);
  },
);
