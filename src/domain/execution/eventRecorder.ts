import type { EventOf, ExecutionEvent, ExecutionEventType } from './events';
import { SCHEMA_VERSION } from './events';
import { notBefore } from './clocks';
import { evolve } from './evolve';
import { type ExecutionState, initialState } from './state';
import type { Actor } from './vocabulary';

/**
 * Builds a decision's events one at a time, folding each into the state so that the next rule
 * sees the state the previous event produced. Seq, ids and time come from the state and the command.
 */
export class EventRecorder {
  readonly events: ExecutionEvent[] = [];
  /** The state after each event, in step with `events`: the one fold of each event, handed on to the store. */
  readonly states: ExecutionState[] = [];
  private current: ExecutionState;

  /**
   * The instant every event of this decision records, and every time its rules write into the events (an end time,
   * a deadline): the decision's own, or the time of the event it follows when that is later. A ledger's times never
   * go back, whichever clock writes next (another invocation's ran ahead, or this decision was made before another
   * writer's events and is appended after them).
   */
  readonly at: string;

  constructor(
    state: ExecutionState,
    at: string,
    private readonly ids?: { executionId: string; planId: string },
  ) {
    this.current = state;
    this.at = state.status === 'NOT_STARTED' ? at : notBefore(at, state.lastEventAt);
  }

  static forNewExecution(executionId: string, planId: string, at: string): EventRecorder {
    return new EventRecorder(initialState(), at, { executionId, planId });
  }

  get state(): ExecutionState {
    return this.current;
  }

  emit<T extends ExecutionEventType>(type: T, data: EventOf<T>['data'], actor: Actor): void {
    const ids = this.current.status === 'NOT_STARTED' ? this.ids : this.current;
    if (!ids) throw new Error(`Cannot emit ${type} for an execution that has not started`);
    const event = {
      executionId: ids.executionId,
      planId: ids.planId,
      seq: this.current.version + 1,
      type,
      occurredAt: this.at,
      actor,
      schemaVersion: SCHEMA_VERSION,
      data,
    } as EventOf<T>;
    this.events.push(event);
    this.current = evolve(this.current, event);
    this.states.push(this.current);
  }
}
