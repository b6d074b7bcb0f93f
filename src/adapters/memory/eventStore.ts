import { type Decided, type ExecutionEvent, type ExecutionState, initialState, snapshotOf } from '../../domain/execution';
import { chainEvents, coveredStates } from '../../domain/ledger';
import { DEFAULT_LEDGER_SNAPSHOT_EVERY } from '../../config';
import type {
  AppendResult,
  ExecutionEventStore,
  ExecutionSummaryPage,
  LoadedExecution,
  ReadRange,
  StoredEvent,
} from '../../ports/executionEventStore';
import { detached, nextTurn } from './copy';
import { type Listing, pageOf } from './pageToken';

/** One ledger item: the event with its chain links, and the snapshot of the state it produced. */
export interface MemoryLedgerItem {
  stored: StoredEvent;
  /** snapshotOf the decided state, as the DynamoDB item keeps it (gzipped there): what a load answers. */
  snapshot: ExecutionState;
}

/** An execution's items by seq, and the highest seq written (seqs are taken one conditional write each). */
interface Stream {
  items: Map<number, MemoryLedgerItem>;
  headSeq: number;
}

interface StartEntry {
  executionId: string;
  planId: string;
  startedAt: string;
}

const STARTS: Listing<StartEntry> = { name: 'executions', keyLength: 2, keyOf: (entry) => [entry.startedAt, entry.executionId] };

/** The event as a ledger item holds it: its envelope fields and data, nothing else. */
const eventOf = (event: ExecutionEvent): ExecutionEvent =>
  detached({
    executionId: event.executionId,
    planId: event.planId,
    seq: event.seq,
    type: event.type,
    occurredAt: event.occurredAt,
    actor: event.actor,
    schemaVersion: event.schemaVersion,
    data: event.data,
  } as ExecutionEvent);

/**
 * The ledger in memory, with the DynamoDB store's semantics: each event is a write conditional on its seq
 * being free (the first writer wins it), chained with chainEvents, stored with snapshotOf the state the
 * decision says it leaves; a load answers the head's snapshot and folds nothing; an append stops at the
 * first seq another writer took. Two appends running at once interleave item by item, as requests would.
 * Everything stored and answered is a copy (as a DynamoDB round trip gives it: no undefined members).
 *
 * Not modelled: DynamoDB's item size limit (LedgerItemTooLargeError) and the refold of snapshots written
 * before waves had several jobs (this store only holds snapshots it was given).
 */
export class InMemoryExecutionEventStore implements ExecutionEventStore {
  private readonly streams = new Map<string, Stream>();

  /** Links cover the state digests the DynamoDB store's would (coversState), so both chain alike. */
  constructor(
    private readonly snapshotEvery = DEFAULT_LEDGER_SNAPSHOT_EVERY,
    /** Where other calls may run, before each request this store stands for (the simulator schedules its own). */
    private readonly turn: () => Promise<void> = nextTurn,
  ) {
    if (!Number.isInteger(snapshotEvery) || snapshotEvery < 1 || snapshotEvery > 100) {
      throw new RangeError(`snapshotEvery must be an integer from 1 to 100, got ${snapshotEvery}`);
    }
  }

  async load(executionId: string): Promise<LoadedExecution> {
    await this.turn();
    const stream = this.streams.get(executionId);
    const head = stream?.items.get(stream.headSeq);
    if (!head) return { executionId, state: initialState(), headHash: undefined };
    return { executionId, state: detached(head.snapshot), headHash: head.stored.hash };
  }

  async append(loaded: LoadedExecution, decided: Decided): Promise<AppendResult> {
    const { events, states } = decided;
    if (states.length !== events.length) throw new Error(`append: ${events.length} events but ${states.length} states`);
    const stored: StoredEvent[] = [];
    for (const [index, link] of chainEvents(loaded.headHash, events, coveredStates(events, states, this.snapshotEvery)).entries()) {
      const state = states[index] as ExecutionState;
      const item: MemoryLedgerItem = {
        stored: { ...link, event: eventOf(link.event) },
        snapshot: detached(snapshotOf(state)),
      };
      await this.turn();
      const { executionId, seq } = link.event;
      if (!this.putIfFree(executionId, seq, item)) return { ok: false, conflict: { kind: 'VersionConflict', executionId, seq }, stored };
      stored.push(link);
    }
    const last = stored.at(-1);
    return {
      ok: true,
      stored,
      loaded: last ? { executionId: loaded.executionId, state: states.at(-1) as ExecutionState, headHash: last.hash } : loaded,
    };
  }

  async read(executionId: string, range: ReadRange = {}): Promise<StoredEvent[]> {
    await this.turn();
    const fromSeq = range.fromSeq ?? 1;
    const toSeq = range.toSeq ?? Number.MAX_SAFE_INTEGER;
    const items = [...(this.streams.get(executionId)?.items.entries() ?? [])];
    return items
      .filter(([seq]) => seq >= fromSeq && seq <= toSeq)
      .sort(([a], [b]) => a - b)
      .map(([, item]) => detached(item.stored));
  }

  async listExecutions(pageSize: number, nextToken?: string): Promise<ExecutionSummaryPage> {
    await this.turn();
    const starts: StartEntry[] = [];
    for (const stream of this.streams.values()) {
      for (const { stored } of stream.items.values()) {
        const { event } = stored;
        if (event.type === 'ExecutionStarted')
          starts.push({ executionId: event.executionId, planId: event.planId, startedAt: event.occurredAt });
      }
    }
    const { page, nextToken: next } = pageOf(STARTS, starts, pageSize, nextToken);
    return next === undefined ? { executions: page } : { executions: page, nextToken: next };
  }

  async head(executionId: string): Promise<{ seq: number; hash: string } | undefined> {
    await this.turn();
    const stream = this.streams.get(executionId);
    const head = stream?.items.get(stream.headSeq);
    return head ? { seq: head.stored.event.seq, hash: head.stored.hash } : undefined;
  }

  /** The conditional write: attribute_not_exists(seq), checked and written in one step; false when the seq is taken. */
  protected putIfFree(executionId: string, seq: number, item: MemoryLedgerItem): boolean {
    if (this.stream(executionId).items.has(seq)) return false;
    this.put(executionId, seq, item);
    return true;
  }

  /** The write itself, unconditional. */
  protected put(executionId: string, seq: number, item: MemoryLedgerItem): void {
    const stream = this.stream(executionId);
    stream.items.set(seq, item);
    stream.headSeq = Math.max(stream.headSeq, seq);
  }

  private stream(executionId: string): Stream {
    let stream = this.streams.get(executionId);
    if (!stream) {
      stream = { items: new Map(), headSeq: 0 };
      this.streams.set(executionId, stream);
    }
    return stream;
  }
}
