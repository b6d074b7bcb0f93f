import { decide, ExecutionCommand, ExecutionState, fold, Rejection } from '../domain/execution';
import type { ExecutionEventStore, LoadedExecution, StoredEvent } from '../ports/executionEventStore';

export type CommandOutcome =
  | { ok: true; state: ExecutionState; appended: StoredEvent[]; headHash: string | undefined }
  | { ok: false; state: ExecutionState; rejection: Rejection; appended: StoredEvent[] };

/** The command to run against the freshly loaded state; undefined means there is nothing to do. */
export type CommandFor = (state: ExecutionState) => ExecutionCommand | undefined;

export interface HandleOptions {
  /** Conflicts tolerated before giving up: each one means another writer appended first. */
  maxAttempts?: number;
  /** Pause before retrying after a conflict (jittered by the caller's choice); none by default. */
  backoff?: (attempt: number) => Promise<void>;
  /** State the caller has just loaded: the first attempt decides on it instead of reading again. */
  preloaded?: LoadedExecution;
}

export class TooManyConflictsError extends Error {
  constructor(
    readonly executionId: string,
    readonly attempts: number,
  ) {
    super(`Execution ${executionId}: still conflicting after ${attempts} attempts`);
    this.name = 'TooManyConflictsError';
  }
}

/**
 * Load, decide, append. When another writer takes a seq first, the events appended so far stand. If none
 * were, the command is decided again against the new state: decisions come from state, so nothing is
 * appended twice and nothing is lost. If some were, the command has taken effect and is not decided again
 * (that would record it twice); only what follows from it at a wave boundary is, as an Advance.
 */
export const handleCommand = async (
  store: ExecutionEventStore,
  executionId: string,
  initialCommandFor: CommandFor,
  options: HandleOptions = {},
): Promise<CommandOutcome> => {
  const maxAttempts = options.maxAttempts ?? 10;
  let commandFor = initialCommandFor;
  const appended: StoredEvent[] = [];
  let preloaded = options.preloaded;
  for (let attempt = 1; attempt <= maxAttempts; attempt += 1) {
    // 1. Load the state after the last event (one request), unless the caller just did.
    const loaded = preloaded ?? (await store.load(executionId));
    preloaded = undefined;
    const command = commandFor(loaded.state);
    if (!command) return { ok: true, state: loaded.state, appended, headHash: loaded.headHash };
    // 2. Decide.
    const decision = decide(command, loaded.state);
    if (!decision.ok) return { ok: false, state: loaded.state, rejection: decision.rejection, appended };
    if (decision.events.length === 0) return { ok: true, state: loaded.state, appended, headHash: loaded.headHash };
    // 3. Append, each event on its own conditional write.
    const result = await store.append(loaded, decision.events);
    appended.push(...result.stored);
    if (result.ok) {
      const last = result.stored[result.stored.length - 1];
      return { ok: true, state: fold(decision.events, loaded.state), appended, headHash: last?.hash ?? loaded.headHash };
    }
    if (result.stored.length > 0) {
      const at = command.at;
      commandFor = () => ({ type: 'Advance', at });
    }
    if (options.backoff) await options.backoff(attempt);
  }
  throw new TooManyConflictsError(executionId, maxAttempts);
};
