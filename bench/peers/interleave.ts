export interface RoundTimes {
  wallMs: number[];
  cpuMs: number[];
  /** The database process's CPU ms in each round, when it runs in a process of its own (else empty). */
  databaseCpuMs: number[];
}

/**
 * Runs every task once a round, for `warmupRounds` untimed rounds and then `rounds` timed ones, starting each
 * round one task further along: a shared machine's slow spells, the JIT and GC land on every task alike, and
 * no task always runs first or after the same neighbour. Tasks compared with each other (the peers' replays of one
 * history size) are given as one of `families`: they then run back to back (roundOrder), so that a slow spell
 * falls on both sides of a comparison rather than on one. Returns each task's ms in each timed round, on the
 * clock and in this process's CPU time, which does not grow when other processes take the cores away (the clock
 * does). With dynalite in this process that CPU time is the client's work and the database's alike; with dynalite
 * in a process of its own, `databaseCpuMs` gives that process's share apart.
 */
export const interleavedRounds = async <Name extends string>(
  tasks: Readonly<Record<Name, () => Promise<unknown>>>,
  options: {
    rounds: number;
    warmupRounds: number;
    databaseCpuMs?: () => Promise<number>;
    families?: readonly (readonly Name[])[];
  },
): Promise<Record<Name, RoundTimes>> => {
  const names = Object.keys(tasks) as Name[];
  const families = options.families ?? names.map((name) => [name]);
  const grouped = families.flat();
  if (grouped.length !== names.length || new Set(grouped).size !== names.length || !names.every((name) => grouped.includes(name))) {
    throw new Error('interleavedRounds: the families must hold every task exactly once');
  }
  const samples = new Map<Name, RoundTimes>(names.map((name) => [name, { wallMs: [], cpuMs: [], databaseCpuMs: [] }]));
  for (let round = 0; round < options.warmupRounds + options.rounds; round += 1) {
    for (const name of roundOrder(families, round)) {
      const databaseBefore = await options.databaseCpuMs?.();
      const started = performance.now();
      const cpu = process.cpuUsage();
      await tasks[name]();
      const { user, system } = process.cpuUsage(cpu);
      const wallMs = performance.now() - started;
      const databaseAfter = await options.databaseCpuMs?.();
      if (round >= options.warmupRounds) {
        samples.get(name)?.wallMs.push(wallMs);
        samples.get(name)?.cpuMs.push((user + system) / 1000);
        if (databaseBefore !== undefined && databaseAfter !== undefined)
          samples.get(name)?.databaseCpuMs.push(databaseAfter - databaseBefore);
      }
    }
  }
  return Object.fromEntries(names.map((name) => [name, samples.get(name)])) as Record<Name, RoundTimes>;
};

/** `items` started `by` places further along, wrapping round. */
const rotated = <T>(items: readonly T[], by: number): T[] => items.map((_, index) => items[(index + by) % items.length] as T);

/**
 * The order of round `round`: the families started one further along each round, every family's members back to
 * back, in pairs of rounds: forwards, then the same order backwards, each pair started one member further along.
 * Over 2n rounds of n members every member then comes first equally often, and runs straight after each neighbour
 * as often as before it; with three members (the peers) over six rounds, all six orders run once, so each runs
 * straight after each other twice and before it twice: none always pays for the garbage or the warm caches another
 * leaves. Over other numbers of rounds the counts are near even, not equal (the bench times seven rounds of three:
 * one peer comes first three times, the others twice).
 */
export const roundOrder = <Name>(families: readonly (readonly Name[])[], round: number): Name[] =>
  rotated(families, round).flatMap((family) => {
    const members = rotated(family, Math.floor(round / 2));
    return round % 2 === 1 ? members.reverse() : members;
  });

/** A task that runs `task` `times` times in a row: for operations too quick to time one by one. */
export const repeated =
  (task: () => Promise<unknown>, times: number): (() => Promise<void>) =>
  async () => {
    for (let i = 0; i < times; i += 1) await task();
  };
