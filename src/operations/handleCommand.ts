import { decide, type ExecutionCommand, type ExecutionState, type Rejection } from '../domain/execution';
import type { ExecutionEventStore, LoadedExecution, StoredEvent } from '../ports/executionEventStore';
import { jitteredBackoff } from './conflictBackoff';

/**
 * What a command came to. `loaded` is the stream as this writer last knew it (after its own append, or as it
 * read it when it appended nothing): the value the next command of the same operation starts from.
 */
export type CommandOutcome =
  | { ok: true; loaded: LoadedExecution; appended: StoredEvent[] }
  | { ok: false; loaded: LoadedExecution; rejection: Rejection; appended: StoredEvent[] };

/** The command to run against the current state; undefined means there is nothing to do. */
export type CommandFor = (state: ExecutionState) => ExecutionCommand | undefined;

/** What a command needs beyond its stream: the ledger, and how a writer that lost a seq waits (OperationDeps has both). */
export interface CommandDeps {
  store: ExecutionEventStore;
  /** Pause before reading the stream again after conflict number `attempt` (default: jitteredBackoff()). */
  backoff?: (attempt: number) => Promise<void>;
}

export interface HandleOptions {
  /** Conflicts tolerated before giving up: each one means another writer appended first. */
  maxAttempts?: number;
  /** Overrides `deps.backoff` for this command. */
  backoff?: (attempt: number) => Promise<void>;
}

/**
 * Attempts before a command is abandoned. A writer that loses and finds, on reading again, that the winner
 * recorded what it meant to record leaves at once; one with something still to write waits its jittered turn
 * (test/operations/pollContention.int.test.ts: 16 pollers of one execution, none abandoned). 30 attempts wait
 * about 1.3 s in all on average (2.5 s at most), far inside a Lambda's timeout.
 */
export const MAX_COMMAND_ATTEMPTS = 30;

const defaultBackoff = jitteredBackoff();

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
 * The stream a writer that lost a seq decides on next. Where the store can, only what was appended since its
 * head is read. When the refusal named the event that took the seq, that event (after this writer's own stored
 * before it) is folded on without a read, and only what followed it is read. The read is not skipped even when
 * the winner's event already says what this command would: it may be the first of several the winner appended,
 * and the command is judged on the stream as it stands (two identical approvals at once: one approves, the other
 * gets the domain's answer, not a success decided on half the winner's decision).
 */
const streamAfterConflict = async (
  store: ExecutionEventStore,
  stream: LoadedExecution,
  known: readonly StoredEvent[] | undefined,
): Promise<LoadedExecution> => {
  if (!store.loadAfter) return store.load(stream.executionId);
  if (!known) return store.loadAfter(stream);
  return store.loadAfter(await store.loadAfter(stream, known));
};

/** Where nothing was appended: the stream as it was. */
export const unchanged = (loaded: LoadedExecution): CommandOutcome => ({ ok: true, loaded, appended: [] });

/**
 * Decide and append onto `loaded`, the stream as the caller holds it. Each event is folded once, by the
 * decider; the store writes the states the decision carries and hands back the stream after them.
 *
 * When another writer takes a seq first, this writer waits a jittered moment (conflictBackoff.ts) and reads
 * what was appended since its head, or since the winner's event when the refusal named it (one request: the store
 * spends no read on a plain conflict; streamAfterConflict). If none of
 * this writer's events were appended, the command is decided again against the new state: decisions come from state, so
 * nothing is appended twice and nothing is lost. If some were, the command has taken effect and is not
 * decided again (that would record it twice); only what follows from it at a wave boundary is, as an Advance.
 */
export const handleCommand = async (
  deps: CommandDeps,
  loaded: LoadedExecution,
  initialCommandFor: CommandFor,
  options: HandleOptions = {},
): Promise<CommandOutcome> => {
  const maxAttempts = options.maxAttempts ?? MAX_COMMAND_ATTEMPTS;
  const { store } = deps;
  const backoff = options.backoff ?? deps.backoff ?? defaultBackoff;
  let commandFor = initialCommandFor;
  const appended: StoredEvent[] = [];
  let stream = loaded;
  // After a conflict whose refusal named the event that took the seq: the events past `stream`'s head this writer holds.
  let known: StoredEvent[] | undefined;
  for (let attempt = 1; attempt <= maxAttempts; attempt += 1) {
    if (attempt > 1) stream = await streamAfterConflict(store, stream, known);
    const command = commandFor(stream.state);
    if (!command) return { ok: true, loaded: stream, appended };
    const decision = decide(command, stream.state);
    if (!decision.ok) return { ok: false, loaded: stream, rejection: decision.rejection, appended };
    if (decision.events.length === 0) return { ok: true, loaded: stream, appended };
    const result = await store.append(stream, decision);
    appended.push(...result.stored);
    // A refusal that is evidence (a refused approval): recorded, and still refused.
    if (result.ok && decision.refusal) return { ok: false, loaded: result.loaded, rejection: decision.refusal, appended };
    if (result.ok) return { ok: true, loaded: result.loaded, appended };
    known = result.conflict.taken ? [...result.stored, result.conflict.taken] : undefined;
    if (result.stored.length > 0) {
      const at = command.at;
      commandFor = () => ({ type: 'Advance', at });
    }
    // Not after the last: giving up needs no wait.
    if (attempt < maxAttempts) await backoff(attempt);
  }
  throw new TooManyConflictsError(stream.executionId, maxAttempts);
};
