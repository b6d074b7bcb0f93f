import type { EventLogEntry } from './engine';

/** Step Functions Standard's quota: an execution's history holds at most 25,000 events. */
export const DEFAULT_HISTORY_EVENT_LIMIT = 25_000;

/**
 * History events one Task attempt writes on AWS: TaskScheduled, TaskStarted and its outcome (TaskSucceeded,
 * TaskFailed or TaskTimedOut); a callback task (.waitForTaskToken) also writes TaskSubmitted. A retry is a new
 * attempt, so a retried task pays this again.
 */
export const historyEventsOfTaskAttempt = (callback: boolean): number => (callback ? 4 : 3);

/**
 * History events AWS writes for one entry of the engine's log. States entered and exited, the execution's
 * start and end and Map iterations are one each (PassStateEntered, MapIterationStarted...). The engine's
 * StateFailed, StateRetried and StateCaught are not events of their own on AWS: a Task's failure is its
 * attempt's TaskFailed (counted with the attempt) and a retry is the next attempt's TaskScheduled.
 */
export const historyEventsOf = (entry: EventLogEntry): number => {
  switch (entry.type) {
    case 'StateFailed':
    case 'StateRetried':
    case 'StateCaught':
    case 'ParallelBranchStarted':
    case 'ParallelBranchSucceeded':
    case 'ParallelBranchFailed':
      return 0;
    default:
      return 1;
  }
};

/**
 * Counts an execution's history events and reports, once, the first that goes over the limit. AWS fails an
 * execution whose history reaches the quota; so does the emulator, so that a loop that never continues as
 * new fails here as it would there.
 */
export class HistoryCounter {
  private events = 0;
  private reported = false;

  constructor(
    readonly limit: number,
    private readonly onExceeded: (events: number) => void,
  ) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`The history event limit must be a positive integer, not ${limit}`);
  }

  get count(): number {
    return this.events;
  }

  get exceeded(): boolean {
    return this.events > this.limit;
  }

  record(events: number): void {
    this.events += events;
    if (this.exceeded && !this.reported) {
      this.reported = true;
      this.onExceeded(this.events);
    }
  }
}
