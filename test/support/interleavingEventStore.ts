import { decide, type Decided, type ExecutionCommand, type ExecutionState } from '../../src/domain/execution';
import type {
  AppendResult,
  ExecutionEventStore,
  ExecutionSummaryPage,
  LoadedExecution,
  ReadRange,
  StoredEvent,
} from '../../src/ports/executionEventStore';

/** Commands of other writers, given the state they meet. */
export type OtherWriters = (state: ExecutionState) => ExecutionCommand[];

/**
 * A decorator over any event store that lets other writers in between two events of one append: just
 * before an event at a given seq is written, the commands registered for that seq are decided (each on the
 * stream as it then stands) and appended through the inner store. The decorated append writes its events
 * one at a time, so the interleaving lands exactly where DynamoDB's one conditional write per event allows
 * it, and what happens next (a conflict, the events stored before it) is the inner store's own answer.
 */
export class InterleavingEventStore implements ExecutionEventStore {
  private readonly others = new Map<string, OtherWriters>();

  constructor(readonly inner: ExecutionEventStore) {}

  /** Once, just before anyone writes `seq` of `executionId`, these commands of other writers are decided and appended, in turn. */
  interleaveAt(executionId: string, seq: number, commands: OtherWriters): void {
    this.others.set(`${executionId}#${seq}`, commands);
  }

  load(executionId: string): Promise<LoadedExecution> {
    return this.inner.load(executionId);
  }

  async append(loaded: LoadedExecution, decided: Decided): Promise<AppendResult> {
    const stored: StoredEvent[] = [];
    let stream = loaded;
    for (const [index, event] of decided.events.entries()) {
      await this.runOthers(event.executionId, event.seq);
      const result = await this.inner.append(stream, { events: [event], states: [decided.states[index] as ExecutionState] });
      stored.push(...result.stored);
      if (!result.ok) return { ok: false, conflict: result.conflict, stored };
      stream = result.loaded;
    }
    return { ok: true, stored, loaded: stream };
  }

  read(executionId: string, range?: ReadRange): Promise<StoredEvent[]> {
    return this.inner.read(executionId, range);
  }

  listExecutions(pageSize: number, nextToken?: string): Promise<ExecutionSummaryPage> {
    return this.inner.listExecutions(pageSize, nextToken);
  }

  head(executionId: string): Promise<{ seq: number; hash: string } | undefined> {
    return this.inner.head(executionId);
  }

  private async runOthers(executionId: string, seq: number): Promise<void> {
    const key = `${executionId}#${seq}`;
    const others = this.others.get(key);
    if (!others) return;
    this.others.delete(key);
    for (const command of others((await this.inner.load(executionId)).state)) {
      const loaded = await this.inner.load(executionId);
      const decision = decide(command, loaded.state);
      if (!decision.ok) throw new Error(`Another writer's ${command.type} was refused: ${JSON.stringify(decision.rejection)}`);
      const result = await this.inner.append(loaded, decision);
      if (!result.ok) throw new Error(`Another writer's ${command.type} conflicted at seq ${result.conflict.seq}`);
    }
  }
}
