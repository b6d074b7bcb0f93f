import { InMemoryExecutionEventStore, type MemoryLedgerItem } from '../../src/adapters/memory/eventStore';
import type { Decided, ExecutionState } from '../../src/domain/execution';
import type { AppendResult, LoadedExecution, StoredEvent } from '../../src/ports/executionEventStore';
import type { Scheduler } from './scheduler';

/** One ledger item as the simulator saw it written: what the table's stream carries, and when it truly happened. */
export interface WrittenItem {
  stored: StoredEvent;
  /** The state the writer said the item leaves (its snapshot). */
  state: ExecutionState;
  /** Simulated (true) time of the write, whatever the writer's clock said. */
  trueMs: number;
  /** Who wrote it (actor name). */
  writer: string;
  /** Its position in the table's stream. */
  sequenceNumber: string;
}

/**
 * The in-memory ledger with each request a step of the simulation (so a crash can fall between two items of one
 * decision), and every item it accepts also put on the table's stream, in order, with the true time it was written.
 * `unconditional` is the injected bug the simulator must catch: the seq condition dropped, a write overwrites.
 */
export class SimLedger extends InMemoryExecutionEventStore {
  /** Every write the table accepted, in stream order. */
  readonly written: WrittenItem[] = [];
  /** What the table holds now, per execution, in seq order. */
  readonly byExecution = new Map<string, WrittenItem[]>();
  /** Told of each write as it lands (the trace). */
  onWritten: (item: WrittenItem) => void = () => undefined;

  constructor(
    private readonly scheduler: Scheduler,
    private readonly unconditional = false,
    /** Throws when the request is to fail (throttled) before it takes effect. */
    failure: () => void = () => undefined,
  ) {
    super(undefined, async () => {
      await scheduler.gate('DynamoDB');
      failure();
    });
  }

  /** The last item's answer travels back too: a crash after it is an append that took effect unbeknown to its writer. */
  override async append(loaded: LoadedExecution, decided: Decided): Promise<AppendResult> {
    const result = await super.append(loaded, decided);
    await this.scheduler.gate('DynamoDB answer');
    return result;
  }

  protected override putIfFree(executionId: string, seq: number, item: MemoryLedgerItem): boolean {
    if (this.unconditional) {
      // The mutant: whatever holds the seq is overwritten, as a PutItem without its condition would.
      this.put(executionId, seq, item);
      this.record(executionId, item);
      return true;
    }
    if (!super.putIfFree(executionId, seq, item)) return false;
    this.record(executionId, item);
    return true;
  }

  /** The head item as stored now (no request: for invariants only). */
  headOf(executionId: string): WrittenItem | undefined {
    return this.byExecution.get(executionId)?.at(-1);
  }

  private record(executionId: string, item: MemoryLedgerItem): void {
    const written: WrittenItem = {
      stored: structuredClone(item.stored),
      state: item.snapshot,
      trueMs: this.scheduler.nowMs,
      writer: this.scheduler.running().name,
      sequenceNumber: String(this.written.length + 1).padStart(12, '0'),
    };
    this.written.push(written);
    const list = (this.byExecution.get(executionId) ?? []).filter((held) => held.stored.event.seq !== written.stored.event.seq);
    list.push(written);
    list.sort((a, b) => a.stored.event.seq - b.stored.event.seq);
    this.byExecution.set(executionId, list);
    this.onWritten(written);
  }
}
