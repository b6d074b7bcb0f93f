/**
 * The bench's steps, each run on its own: a step that throws is run once more (a loaded machine can time out a
 * step that passes on a quiet one), and a step that throws twice is reported as failed while the steps after it
 * still run. Nothing a step measured is lost to another step's failure.
 */
export type StepOutcome<T> =
  | { name: string; ok: true; value: T; seconds: number; attempts: number; firstError?: string }
  | { name: string; ok: false; seconds: number; attempts: number; errors: string[] };

export interface StepOptions {
  /** Extra attempts after a failure; one by default. */
  retries?: number;
  /** Progress lines ("bench: cost... 12.3 s"), to standard error by default. */
  write?: (text: string) => void;
  now?: () => number;
}

/** A one-line account of an error, bounded: a stack or a huge message would swamp the table. */
export const errorLine = (error: unknown): string => {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 200 ? `${line.slice(0, 199)}…` : line;
};

export const runStep = async <T>(name: string, run: () => Promise<T>, options: StepOptions = {}): Promise<StepOutcome<T>> => {
  const write = options.write ?? ((text: string) => process.stderr.write(text));
  const now = options.now ?? Date.now;
  const retries = options.retries ?? 1;
  const errors: string[] = [];
  const started = now();
  for (let attempt = 1; attempt <= retries + 1; attempt += 1) {
    write(`bench: ${name}${attempt > 1 ? ` (attempt ${attempt})` : ''}...`);
    const attemptStarted = now();
    try {
      const value = await run();
      write(` ${((now() - attemptStarted) / 1000).toFixed(1)} s\n`);
      const seconds = (now() - started) / 1000;
      const [firstError] = errors;
      return firstError === undefined
        ? { name, ok: true, value, seconds, attempts: attempt }
        : { name, ok: true, value, seconds, attempts: attempt, firstError };
    } catch (error) {
      errors.push(errorLine(error));
      write(` failed: ${errorLine(error)}\n`);
    }
  }
  return { name, ok: false, seconds: (now() - started) / 1000, attempts: retries + 1, errors };
};

/** The value of a step that succeeded, for the rows built from it; undefined when it failed. */
export const valueOf = <T>(outcome: StepOutcome<T>): T | undefined => (outcome.ok ? outcome.value : undefined);
