/**
 * Given/when/then for the execution decider, after emmett's DeciderSpecification:
 * the given events are folded with `evolve` from `initialState()`, the command is decided,
 * and the outcome is compared with what the scenario expects.
 */
import {
  type CurrentStatus,
  decide,
  type Decision,
  type EventOf,
  type ExecutionCommand,
  type ExecutionEvent,
  type ExecutionEventType,
  type ExecutionState,
  fold,
  initialState,
  isStarted,
  type Rejection,
  type RejectionKind,
  type WaveState,
} from '../../src/domain/execution';

type DeepPartial<T> = T extends readonly (infer Item)[]
  ? DeepPartial<Item>[]
  : T extends object
    ? { [K in keyof T]?: DeepPartial<T[K]> }
    : T;

/** An event as a scenario expects it: its type plus the fields that matter (matched with `toMatchObject`). */
export type ExpectedEvent = {
  [T in ExecutionEventType]: { type: T } & DeepPartial<Omit<EventOf<T>, 'type'>>;
}[ExecutionEventType];

export type RejectionOf<K extends RejectionKind> = Extract<Rejection, { kind: K }>;

export interface Then {
  readonly decision: Decision;
  /** The command is accepted with exactly these events, in order; returns them and the state they lead to. */
  thenEmits(expected: ExpectedEvent[]): { events: ExecutionEvent[]; state: ExecutionState };
  /** The command is accepted and appends nothing (an idempotent repeat or a no-op). */
  thenNothingHappens(): void;
  /** The command is refused with this kind (and status, if given); returns the rejection for further checks. */
  thenRejects<K extends RejectionKind>(kind: K, currentStatus?: CurrentStatus): RejectionOf<K>;
  /** The command is refused with this kind, and the attempt is recorded with exactly these events (evidence). */
  thenRecordsRefusal<K extends RejectionKind>(kind: K, expected: ExpectedEvent[]): { rejection: RejectionOf<K>; state: ExecutionState };
}

export interface Given {
  readonly events: readonly ExecutionEvent[];
  readonly state: ExecutionState;
  when(command: ExecutionCommand): Then;
}

const isKind = <K extends RejectionKind>(rejection: Rejection, kind: K): rejection is RejectionOf<K> => rejection.kind === kind;

const listEvents = (events: readonly ExecutionEvent[]): string =>
  `[${events.map((event) => `${event.seq} ${event.type} ${JSON.stringify(event.data)}`).join(', ')}]`;

const then = (state: ExecutionState, decision: Decision): Then => ({
  decision,
  thenEmits(expected) {
    if (!decision.ok) throw new Error(`Expected events, but the command was refused: ${JSON.stringify(decision.rejection)}`);
    if (decision.refusal) throw new Error(`Expected events, but the command was refused (recorded): ${JSON.stringify(decision.refusal)}`);
    const { events } = decision;
    expect(events).toMatchObject(expected);
    // The emitted events must continue the given stream: fold throws on a wrong seq.
    return { events, state: fold(events, state) };
  },
  thenNothingHappens() {
    if (decision.ok && decision.events.length) throw new Error(`Expected no events, got ${listEvents(decision.events)}`);
    expect(decision).toEqual({ ok: true, events: [], states: [] });
  },
  thenRecordsRefusal(kind, expected) {
    if (!decision.ok) throw new Error(`Expected a recorded refusal, but nothing was recorded: ${JSON.stringify(decision.rejection)}`);
    const { refusal, events } = decision;
    if (!refusal || !isKind(refusal, kind))
      throw new Error(`Expected a ${kind} refusal, got ${JSON.stringify(refusal)} with ${listEvents(events)}`);
    expect(events).toMatchObject(expected);
    return { rejection: refusal, state: fold(events, state) };
  },
  thenRejects(kind, currentStatus) {
    if (decision.ok) throw new Error(`Expected ${kind}, but the command was accepted: ${listEvents(decision.events)}`);
    const { rejection } = decision;
    if (!isKind(rejection, kind)) throw new Error(`Expected ${kind}, but the command was refused with ${JSON.stringify(rejection)}`);
    if (currentStatus !== undefined) expect(rejection).toMatchObject({ currentStatus });
    return rejection;
  },
});

const history = (events: readonly ExecutionEvent[], state: ExecutionState): Given => ({
  events,
  state,
  when: (command) => then(state, decide(command, state)),
});

/** A history written as events (with their seqs). */
export const given = (events: readonly ExecutionEvent[]): Given => history(events, fold(events, initialState()));

/** A history written as commands: each is decided and its events folded in; a refused command is a broken test. */
export const givenCommands = (...commands: ExecutionCommand[]): Given => {
  const events: ExecutionEvent[] = [];
  let state = initialState();
  for (const command of commands) {
    const decision = decide(command, state);
    if (!decision.ok) {
      throw new Error(`Given command ${command.type} was refused: ${JSON.stringify(decision.rejection)}`);
    }
    events.push(...decision.events);
    state = fold(decision.events, state);
  }
  return history(events, state);
};

/** One wave of a started execution's state (throws for an execution that has not started). */
export const waveOf = (state: ExecutionState, waveNumber: number): WaveState => {
  const wave = isStarted(state) ? state.waves[waveNumber - 1] : undefined;
  if (!wave) throw new Error(`No wave ${waveNumber} in a ${state.status} execution`);
  return wave;
};
