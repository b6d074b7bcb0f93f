import type { HeadFinding } from './headsToSeal';

/** Where the digest writer's warnings go (Powertools' Logger on Lambda). */
export interface DigestWriterLog {
  warn(message: string, ...extra: Array<Record<string, unknown>>): void;
}

/**
 * Raises a tamper alarm for each finding. An alarm that cannot be raised (its store or topic down) is logged and
 * counted, and the rest are still raised and the fresh heads still sealed: one failing alarm never leaves the
 * chain unsealed. Answers how many could not be raised.
 */
export const raiseFindings = async (
  raise: (executionId: string, detail: string) => Promise<void>,
  log: DigestWriterLog | undefined,
  findings: HeadFinding[],
): Promise<number> => {
  let notRaised = 0;
  for (const { executionId, problem } of findings) {
    try {
      await raise(executionId, problem);
    } catch (error) {
      notRaised += 1;
      log?.warn('A tamper alarm of the digest writer could not be raised', {
        executionId: executionId.slice(0, 200),
        problem: problem.slice(0, 500),
        error: String(error).slice(0, 500),
      });
    }
  }
  return notRaised;
};
