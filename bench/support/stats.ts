/** The value below which `p` of the samples fall (nearest rank). */
export const percentile = (samples: readonly number[], p: number): number => {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] as number;
};

export const median = (samples: readonly number[]): number => percentile(samples, 0.5);

/** Runs `task` until it has run `minRuns` times and for at least `minMs`, at most `maxRuns` times; ms per run. */
export const timeRuns = async (
  task: () => unknown,
  options: { minRuns?: number; minMs?: number; maxRuns?: number } = {},
): Promise<number[]> => {
  const { minRuns = 3, minMs = 500, maxRuns = 50 } = options;
  const times: number[] = [];
  const started = performance.now();
  while (times.length < maxRuns && (times.length < minRuns || performance.now() - started < minMs)) {
    const t0 = performance.now();
    await task();
    times.push(performance.now() - t0);
  }
  return times;
};
