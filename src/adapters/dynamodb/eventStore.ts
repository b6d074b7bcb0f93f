import { type DynamoDBClient, PutItemCommand, QueryCommand, type QueryCommandOutput } from '@aws-sdk/client-dynamodb';
import { type Decided, type ExecutionState, initialState, snapshotOf, stepwiseFold } from '../../domain/execution';
import { chainEvents, coveredStates, coversState, genesisHash, linkProblem } from '../../domain/ledger';
import { LedgerIntegrityError } from '../../ports/ledgerErrors';
import type {
  AppendResult,
  ExecutionSummaryPage,
  ExecutionEventStore,
  LoadedExecution,
  ReadRange,
  StoredEvent,
  VersionConflict,
} from '../../ports/executionEventStore';
import { DEFAULT_LEDGER_SNAPSHOT_EVERY } from '../../config';
import { conditionFailureItem, isConditionalCheckFailed, sdkMayHaveRetried } from './errors';
import {
  EVENT_ATTRIBUTES,
  EVENT_PROJECTION_NAMES,
  EVENT_READ_PROJECTION,
  EXECUTION_START_MARKER,
  EXECUTIONS_INDEX,
  PACKED_READ_NAMES,
  PACKED_READ_PROJECTION,
} from './keys';
import { decodePageToken, encodePageToken } from './pageToken';
import { fromEventItem, hasSnapshot, type Item, itemHash, toEventItem } from './marshalEvent';
import { stateFromWindow } from './loadWindow';
import type { TamperAlarm } from '../../ports/tamperAlarms';
import { putEventInput } from './putEventInput';
import { assertLedgerItemFits } from './ledgerItemSize';
import { writerIdSource } from './writerIds';

export interface EventStoreOptions {
  /** K: how often an item carries a snapshot of its state (LEDGER_SNAPSHOT_EVERY). */
  snapshotEvery?: number;
  /** How a long read is split into Queries (tests make them small; the defaults suit DynamoDB's 1 MB pages). */
  readRanges?: Partial<ReadRanges>;
  /** Raised when a load finds a snapshot its hash does not cover (the ledger was written around the store). */
  onTamper?: (alarm: TamperAlarm) => Promise<void>;
}

/**
 * The ledger in DynamoDB: one item per event, keyed by executionId and seq, each written with a conditional
 * PutItem. Format 4 (written now, packedEventItem.ts; format 3 for an event too long to keep as text): the event
 * packed in one attribute after its links; every K-th item carries the snapshot of the state it leaves and its hash covers that snapshot's
 * digest (the other items' hashes cover their events alone: coversState); a load reads the newest K items in one Query and folds the newer events onto the newest snapshot,
 * after checking the snapshot against its digest. Format-2 items (one attribute per field, every hash covering
 * a state digest) and format-3 items written before digests were kept to snapshot items are read and decided on
 * alike. Format-1 items (a snapshot on every item, covered by no hash) are still read,
 * verified and replayed, but never decided on: a window without a verifiable snapshot is refolded from the events.
 */
/**
 * Whether a window read from the hint `from` is one a load may decide on as it is: it reaches back to `from` (the
 * item before the snapshot is there: none deleted, and the head did not outrun the Limit), and it holds a snapshot
 * with an older item beside it, whose link the window checks. Otherwise the load reads the newest K items, as a
 * store without the hint does: a gap, or a ledger written under another K, is then judged exactly as before.
 */
const windowFromHintHolds = (items: readonly Item[], from: number): boolean => {
  const oldest = items.at(-1);
  if (oldest === undefined || Number(oldest[EVENT_ATTRIBUTES.seq]?.N) !== from) return false;
  const snapshotAt = items.findIndex(hasSnapshot);
  return snapshotAt >= 0 && snapshotAt < items.length - 1;
};

/** Whether two attribute values are the same string or the same bytes (or both absent). */
const sameValue = (a: Item[string] | undefined, b: Item[string] | undefined): boolean => {
  if (a?.B !== undefined && b?.B !== undefined) return Buffer.from(a.B).equals(Buffer.from(b.B));
  return a?.S === b?.S && (a?.B === undefined) === (b?.B === undefined);
};

/** Whether `holder`, the item a refusal named, is `item` as this append wrote it: its writer id, event and links. */
const isItemWritten = (holder: Item, item: Item): boolean =>
  holder[EVENT_ATTRIBUTES.writer]?.S === item[EVENT_ATTRIBUTES.writer]?.S &&
  sameValue(holder[EVENT_ATTRIBUTES.event], item[EVENT_ATTRIBUTES.event]) &&
  sameValue(holder[EVENT_ATTRIBUTES.chain], item[EVENT_ATTRIBUTES.chain]);

/**
 * The event a whole item holds, or undefined when it cannot be read: the writer then reads the stream from the
 * table, where a malformed item fails the read (MalformedEventItemError) and nothing is decided on it.
 */
const decodedOrUndefined = (item: Item): StoredEvent | undefined => {
  try {
    return fromEventItem(item);
  } catch {
    return undefined;
  }
};

export interface ReadRanges {
  /** Seqs the first Query of a read asks for: the whole of most reads, soon decoded when more follow. */
  first: number;
  /** Seqs each later Query asks for: about 900 KB of events at 2,000, within one DynamoDB page. */
  size: number;
  /** Later Queries asked for at once, beyond the one being decoded. */
  inFlight: number;
}

const DEFAULT_READ_RANGES: ReadRanges = { first: 500, size: 2_000, inFlight: 2 };

/** Writer ids for every store of this process: one pool of random bytes between them. */
const nextWriterId = writerIdSource();

/** Executions whose head a store remembers (a Lambda container's working set, many times over): then it forgets them all. */
const MAX_SEEN_HEADS = 10_000;

export class DynamoExecutionEventStore implements ExecutionEventStore {
  private readonly snapshotEvery: number;
  private readonly readRanges: ReadRanges;
  /**
   * The newest seq this store has read or written of each execution: where its next load's window can start.
   * Only a hint (a ledger never shrinks, and the window is checked whatever it reads); forgetting it costs a read.
   */
  private readonly seenHeads = new Map<string, number>();

  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
    private readonly options: EventStoreOptions = {},
  ) {
    this.snapshotEvery = options.snapshotEvery ?? DEFAULT_LEDGER_SNAPSHOT_EVERY;
    this.readRanges = { ...DEFAULT_READ_RANGES, ...options.readRanges };
    for (const [name, value] of Object.entries(this.readRanges)) {
      if (!Number.isInteger(value) || value < 1) throw new RangeError(`readRanges.${name} must be a positive integer, got ${value}`);
    }
    if (!Number.isInteger(this.snapshotEvery) || this.snapshotEvery < 1 || this.snapshotEvery > 100) {
      throw new RangeError(`snapshotEvery must be an integer from 1 to 100, got ${this.snapshotEvery}`);
    }
  }

  async load(executionId: string): Promise<LoadedExecution> {
    const from = this.windowStart(executionId);
    let items = await this.newestItems(executionId, from);
    if (from !== undefined && !windowFromHintHolds(items, from)) items = await this.newestItems(executionId, undefined);
    const window = stateFromWindow(items);
    const head = items[0];
    if (!head) return { executionId, state: initialState(), headHash: undefined };
    const headSeq = Number(head[EVENT_ATTRIBUTES.seq]?.N ?? 0);
    this.noteHead(executionId, headSeq);
    if (window.ok) return { executionId, state: snapshotOf(window.state), headHash: itemHash(head) };
    // The events decide, verified one by one: a broken one raises LedgerBroken and stops the load; if they
    // hold, what the window found wrong was its snapshot, which no decision is made on.
    const refolded = await this.refold(executionId, headSeq);
    if (window.reason === 'tampered') await this.alarm(executionId, 'SnapshotMismatch', window.seq, window.detail);
    return { executionId, state: snapshotOf(refolded.state), headHash: refolded.headHash };
  }

  /**
   * The newest K items (K = snapshotEvery, so one of them carries a snapshot), none older than `fromSeq`. Without
   * a start, a window whose snapshot is near its head reads K items of which it folds few; from the snapshot item
   * at or below the head last seen (and the item before it, whose link the window checks), it reads only those.
   */
  private async newestItems(executionId: string, fromSeq: number | undefined): Promise<Item[]> {
    const output = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: fromSeq === undefined ? '#id = :id' : '#id = :id AND #seq >= :from',
        ExpressionAttributeNames: fromSeq === undefined ? { '#id': 'executionId' } : { '#id': 'executionId', '#seq': 'seq' },
        ExpressionAttributeValues:
          fromSeq === undefined ? { ':id': { S: executionId } } : { ':id': { S: executionId }, ':from': { N: String(fromSeq) } },
        ScanIndexForward: false,
        Limit: this.snapshotEvery,
        ConsistentRead: true,
      }),
    );
    return output.Items ?? [];
  }

  /**
   * Where a load's window starts, from the head this store last saw; undefined: the newest K items, wherever. The
   * items older than the snapshot's predecessor are then not read: a window of the newest K read some of them, but
   * decided nothing on them (it noticed only a gap among them); verify and the stream's alarm check every item.
   */
  private windowStart(executionId: string): number | undefined {
    const seen = this.seenHeads.get(executionId);
    if (seen === undefined) return undefined;
    const snapshotSeq = Math.floor(seen / this.snapshotEvery) * this.snapshotEvery;
    // Before the first snapshot the window is the whole ledger, at most K items: no start narrows it.
    return snapshotSeq < 2 ? undefined : snapshotSeq - 1;
  }

  private noteHead(executionId: string, seq: number): void {
    if (this.seenHeads.size >= MAX_SEEN_HEADS && !this.seenHeads.has(executionId)) this.seenHeads.clear();
    if ((this.seenHeads.get(executionId) ?? 0) < seq) this.seenHeads.set(executionId, seq);
  }

  /**
   * After a lost seq: the events since `loaded`'s head (usually the one that won it), read in one Query of just
   * them and folded onto its state, each link checked as refold checks it: linked to the head this writer
   * holds, hashing to its stored hash, its state digest the fold's. The head's window is not read again. A link
   * that does not hold raises LedgerBroken and stops, as refold does (load()'s window might not reach it); a gap
   * or an event the fold refuses is left to load(). Events the writer already holds (`known`: its own stored
   * ones, as it wrote them, and the one a refused write named, as the table holds it) are folded and checked the
   * same way, and nothing is read; if one does not link, the events are read from the table and judged there.
   */
  async loadAfter(loaded: LoadedExecution, known?: readonly StoredEvent[]): Promise<LoadedExecution> {
    const { executionId } = loaded;
    const headSeq = loaded.state.version;
    if (headSeq > 0 && loaded.headHash === undefined) return this.load(executionId);
    const fromKnown = known !== undefined && known.length > 0;
    const newer = fromKnown ? known : await this.read(executionId, { fromSeq: headSeq + 1 });
    let state = loaded.state;
    const step = stepwiseFold(state);
    let prev = loaded.headHash;
    for (const [index, link] of newer.entries()) {
      if (link.event.seq !== headSeq + 1 + index) return this.load(executionId);
      try {
        state = step(link.event);
      } catch {
        return this.load(executionId);
      }
      // A link seen broken is broken, whether or not load()'s window would reach it: the alarm, and no decision.
      const problem = linkProblem(prev ?? genesisHash(executionId, link.event.planId), link, state);
      // Only what the table holds raises the alarm: events handed in that do not link are read again, and judged.
      if (problem) return fromKnown ? this.loadAfter(loaded) : this.broken(executionId, link.event.seq, problem);
      prev = link.hash;
    }
    if (newer.length === 0) return loaded;
    this.noteHead(executionId, state.version);
    return { executionId, state: snapshotOf(state), headHash: prev };
  }

  /**
   * The state after events 1..headSeq, folded from the events themselves, each link checked as verify checks it
   * (linked, hashing to its stored hash, its state digest the fold's). A ledger that fails is not decided on:
   * an alarm is raised and LedgerIntegrityError thrown.
   */
  private async refold(executionId: string, headSeq: number): Promise<{ state: ExecutionState; headHash: string | undefined }> {
    const events = await this.read(executionId, { toSeq: headSeq });
    let state = initialState();
    const step = stepwiseFold(state);
    let prev: string | undefined;
    for (const [index, link] of events.entries()) {
      const seq = index + 1;
      const problem =
        link.event.seq !== seq
          ? `seq ${seq} is missing`
          : (() => {
              try {
                state = step(link.event);
              } catch (error) {
                return `seq ${seq} cannot be folded: ${error instanceof Error ? error.message : String(error)}`;
              }
              return linkProblem(prev ?? genesisHash(executionId, link.event.planId), link, state);
            })();
      if (problem) return this.broken(executionId, seq, problem);
      prev = link.hash;
    }
    if (events.length !== headSeq) return this.broken(executionId, events.length + 1, `seq ${events.length + 1} is missing`);
    return { state, headHash: prev };
  }

  private async broken(executionId: string, seq: number, problem: string): Promise<never> {
    await this.alarm(executionId, 'LedgerBroken', seq, `${problem}; nothing was decided on it`);
    throw new LedgerIntegrityError(executionId, seq, problem);
  }

  private async alarm(executionId: string, kind: 'SnapshotMismatch' | 'LedgerBroken', seq: number, detail: string): Promise<void> {
    if (!this.options.onTamper) return;
    await this.options.onTamper({
      // One alarm per item found wrong, however many loads find it.
      id: `load:${executionId}:${seq}`,
      kind,
      executionId,
      seq,
      source: 'load',
      detectedAt: new Date().toISOString(),
      detail: `seq ${seq}: ${detail}`,
    });
  }

  async append(loaded: LoadedExecution, decided: Decided): Promise<AppendResult> {
    const { events, states } = decided;
    if (states.length !== events.length) throw new Error(`append: ${events.length} events but ${states.length} states`);
    const stored: StoredEvent[] = [];
    // 96 random bits tell this append's items from any other writer's; short, as every item carries it.
    const writer = nextWriterId();
    for (const [index, link] of chainEvents(loaded.headHash, events, coveredStates(events, states, this.snapshotEvery)).entries()) {
      const state = states[index] as ExecutionState;
      const withSnapshot = coversState(link.event.seq, this.snapshotEvery);
      const item: Item = { ...toEventItem(link, state, withSnapshot), [EVENT_ATTRIBUTES.writer]: { S: writer } };
      assertLedgerItemFits(item, link);
      try {
        await this.client.send(new PutItemCommand(putEventInput(this.tableName, item)));
      } catch (error) {
        if (!isConditionalCheckFailed(error)) throw error;
        // The refusal names the item that holds the seq (ReturnValuesOnConditionCheckFailure): this append's own
        // when the SDK retried a write whose answer was lost (or that timed out after landing), else the winner's,
        // which the writer folds on instead of reading the stream again.
        const holder = conditionFailureItem(error);
        if (holder) {
          if (isItemWritten(holder, item)) {
            stored.push(link);
            continue;
          }
          // This append's writer id on another event: an item rewritten in the table, which a read judges.
          const taken = holder[EVENT_ATTRIBUTES.writer]?.S === writer ? undefined : decodedOrUndefined(holder);
          const conflict: VersionConflict = { kind: 'VersionConflict', executionId: link.event.executionId, seq: link.event.seq };
          return { ok: false, conflict: taken ? { ...conflict, taken } : conflict, stored };
        }
        // A DynamoDB that names no item: a refusal at the first attempt is another writer's seq and costs no read
        // here; only a retried one is looked at.
        if (sdkMayHaveRetried(error) && (await this.writtenBy(link.event.executionId, link.event.seq, writer))) {
          stored.push(link);
          continue;
        }
        return {
          ok: false,
          conflict: { kind: 'VersionConflict', executionId: link.event.executionId, seq: link.event.seq },
          stored,
        };
      }
      stored.push(link);
    }
    const last = stored.at(-1);
    if (last) this.noteHead(loaded.executionId, last.event.seq);
    return {
      ok: true,
      stored,
      loaded: last ? { executionId: loaded.executionId, state: states.at(-1) as ExecutionState, headHash: last.hash } : loaded,
    };
  }

  /** Whether the item at this seq was written by the append `writer` (two writers may append identical events). */
  private async writtenBy(executionId: string, seq: number, writer: string): Promise<boolean> {
    const output = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: '#id = :id AND #seq = :seq',
        ExpressionAttributeNames: { '#id': 'executionId', '#seq': 'seq', '#writer': EVENT_ATTRIBUTES.writer },
        ExpressionAttributeValues: { ':id': { S: executionId }, ':seq': { N: String(seq) } },
        ProjectionExpression: '#writer',
        ConsistentRead: true,
      }),
    );
    return output.Items?.[0]?.[EVENT_ATTRIBUTES.writer]?.S === writer;
  }

  async read(executionId: string, range: ReadRange = {}): Promise<StoredEvent[]> {
    const events: StoredEvent[] = [];
    for await (const page of this.readPages(executionId, range)) for (const stored of page) events.push(stored);
    return events;
  }

  /**
   * The events read() returns, a page at a time, in seq order. A read of up to `readRanges.first` events is one
   * Query. A longer one then asks for its head's seq and reads the rest as ranges of `readRanges.size` seqs,
   * `readRanges.inFlight` at a time (one before the head's seq is known): DynamoDB prepares the next ranges while
   * the caller decodes and folds this one, and on AWS the ranges' round trips overlap rather than add up. Every
   * seq up to the head is asked for, so an item missing in the middle (deleted in the table) never ends the read
   * early; what is appended after the head was read may be left to the next read. Stopping early leaves the
   * ranges in flight unread.
   */
  async *readPages(executionId: string, range: ReadRange = {}): AsyncGenerator<StoredEvent[], void, undefined> {
    const fromSeq = range.fromSeq ?? 1;
    const toSeq = range.toSeq ?? Number.MAX_SAFE_INTEGER;
    if (toSeq < fromSeq) return;
    const first = await this.queryRange(executionId, fromSeq, toSeq, { limit: this.readRanges.first });
    // DynamoDB gives a LastEvaluatedKey whenever the Limit is reached, even on the last item asked for.
    const lastRead = Number(first.LastEvaluatedKey?.[EVENT_ATTRIBUTES.seq]?.N);
    const more = first.LastEvaluatedKey !== undefined && lastRead < toSeq;
    const ranges: Array<Promise<QueryCommandOutput[]>> = [];
    let nextFrom = more ? lastRead + 1 : toSeq + 1;
    // Until the head's seq arrives, one range is asked for on the guess that there is one (an empty answer if not).
    let lastSeq: number | undefined;
    const head = more ? this.headSeq(executionId).then((seq) => (lastSeq = Math.min(toSeq, seq ?? 0))) : undefined;
    head?.catch(() => undefined);
    const schedule = () => {
      while (ranges.length < (lastSeq === undefined ? 1 : this.readRanges.inFlight) && nextFrom <= (lastSeq ?? toSeq)) {
        const rangeTo = Math.min(lastSeq ?? toSeq, nextFrom + this.readRanges.size - 1);
        const pages = this.queryPages(executionId, nextFrom, rangeTo);
        // A range the caller never asks for must not become an unhandled rejection.
        pages.catch(() => undefined);
        ranges.push(pages);
        nextFrom = rangeTo + 1;
      }
    };
    schedule();
    yield* this.decodedPages(executionId, [first], ranges.length > 0);
    while (ranges.length > 0) {
      const outputs = await (ranges.shift() as Promise<QueryCommandOutput[]>);
      await head;
      schedule();
      yield* this.decodedPages(executionId, outputs, ranges.length > 0);
    }
  }

  /** Query outputs' items as events, each page after one turn of the event loop when more requests were just made. */
  private async *decodedPages(
    executionId: string,
    outputs: readonly QueryCommandOutput[],
    requestsPending: boolean,
  ): AsyncGenerator<StoredEvent[], void, undefined> {
    // The SDK sends a request only after its middleware's promises settle: one turn of the event loop lets the
    // requests just made leave before this page's decoding (and the caller's fold) holds the thread.
    if (requestsPending) await new Promise<void>((resolve) => setImmediate(resolve));
    // The key the Query asked for, put back on each item as the item holds it.
    const key = { S: executionId };
    for (const output of outputs) {
      const items = await this.withLegacyItemsWhole(executionId, output.Items ?? []);
      const events = new Array<StoredEvent>(items.length);
      for (let index = 0; index < items.length; index += 1) {
        const item = items[index] as Item;
        item[EVENT_ATTRIBUTES.executionId] = key;
        events[index] = fromEventItem(item);
      }
      if (events.length > 0) yield events;
    }
  }

  /**
   * `items` read with PACKED_READ_PROJECTION, those of formats 1 and 2 (one attribute per field, no `event`: back
   * with their seq alone) read again whole: a page that holds any is read again with EVENT_READ_PROJECTION.
   */
  private async withLegacyItemsWhole(executionId: string, items: Item[]): Promise<Item[]> {
    if (items.every((item) => item[EVENT_ATTRIBUTES.event] !== undefined)) return items;
    const [from, to] = [items[0], items.at(-1)].map((item) => Number(item?.[EVENT_ATTRIBUTES.seq]?.N)) as [number, number];
    const whole: Item[] = [];
    let startKey: Item | undefined;
    do {
      const output = await this.queryRange(executionId, from, to, { projection: 'every' }, startKey);
      whole.push(...((output.Items ?? []) as Item[]));
      startKey = output.LastEvaluatedKey;
    } while (startKey);
    return whole;
  }

  /** One Query of the events from `fromSeq` to `toSeq`: its first page, of at most `limit` items when given. */
  private queryRange(
    executionId: string,
    fromSeq: number,
    toSeq: number,
    { limit, projection = 'packed' }: { limit?: number; projection?: 'packed' | 'every' } = {},
    startKey?: Item,
  ): Promise<QueryCommandOutput> {
    const [names, expression] =
      projection === 'packed' ? [PACKED_READ_NAMES, PACKED_READ_PROJECTION] : [EVENT_PROJECTION_NAMES, EVENT_READ_PROJECTION];
    return this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: '#executionId = :id AND #seq BETWEEN :from AND :to',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: { ':id': { S: executionId }, ':from': { N: String(fromSeq) }, ':to': { N: String(toSeq) } },
        ProjectionExpression: expression,
        ConsistentRead: true,
        ...(limit === undefined ? {} : { Limit: limit }),
        ...(startKey === undefined ? {} : { ExclusiveStartKey: startKey }),
      }),
    );
  }

  /** Every page of the events from `fromSeq` to `toSeq` (more than one only where large events pass 1 MB). */
  private async queryPages(executionId: string, fromSeq: number, toSeq: number): Promise<QueryCommandOutput[]> {
    const outputs: QueryCommandOutput[] = [];
    let startKey: Item | undefined;
    do {
      const output = await this.queryRange(executionId, fromSeq, toSeq, {}, startKey);
      outputs.push(output);
      startKey = output.LastEvaluatedKey;
    } while (startKey);
    return outputs;
  }

  /** The newest seq of an execution, or undefined when it has no event. */
  private async headSeq(executionId: string): Promise<number | undefined> {
    const output = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: '#id = :id',
        ExpressionAttributeNames: { '#id': EVENT_ATTRIBUTES.executionId, '#seq': EVENT_ATTRIBUTES.seq },
        ExpressionAttributeValues: { ':id': { S: executionId } },
        ProjectionExpression: '#seq',
        ScanIndexForward: false,
        Limit: 1,
        ConsistentRead: true,
      }),
    );
    const seq = output.Items?.[0]?.[EVENT_ATTRIBUTES.seq]?.N;
    return seq === undefined ? undefined : Number(seq);
  }

  async listExecutions(pageSize: number, nextToken?: string): Promise<ExecutionSummaryPage> {
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 1000) {
      throw new RangeError(`pageSize must be an integer from 1 to 1000, got ${pageSize}`);
    }
    // The token carries only the start time and id; the index's other key parts are fixed.
    const position = nextToken === undefined ? undefined : decodePageToken(nextToken, ['occurredAt', 'executionId']);
    const output = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: EXECUTIONS_INDEX,
        KeyConditionExpression: '#start = :start',
        ExpressionAttributeNames: { '#start': 'executionStart' },
        ExpressionAttributeValues: { ':start': { S: EXECUTION_START_MARKER } },
        Limit: pageSize,
        ...(position ? { ExclusiveStartKey: { ...position, executionStart: { S: EXECUTION_START_MARKER }, seq: { N: '1' } } } : {}),
      }),
    );
    const executions = (output.Items ?? []).flatMap((item) => {
      const executionId = item.executionId?.S;
      const planId = item.planId?.S;
      const startedAt = item.occurredAt?.S;
      return executionId && planId && startedAt ? [{ executionId, planId, startedAt }] : [];
    });
    const last = output.LastEvaluatedKey;
    if (!last?.occurredAt || !last.executionId) return { executions };
    return { executions, nextToken: encodePageToken({ occurredAt: last.occurredAt, executionId: last.executionId }) };
  }

  async head(executionId: string): Promise<{ seq: number; hash: string } | undefined> {
    const output = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: '#id = :id',
        ExpressionAttributeNames: {
          '#id': 'executionId',
          '#seq': 'seq',
          '#hash': EVENT_ATTRIBUTES.hash,
          '#chain': EVENT_ATTRIBUTES.chain,
          // Format 4 keeps its links in `event`.
          '#event': EVENT_ATTRIBUTES.event,
        },
        ExpressionAttributeValues: { ':id': { S: executionId } },
        ProjectionExpression: '#seq, #hash, #chain, #event',
        ScanIndexForward: false,
        Limit: 1,
        ConsistentRead: true,
      }),
    );
    const item = output.Items?.[0];
    const hash = item ? itemHash(item) : undefined;
    if (!item?.seq?.N || !hash) return undefined;
    return { seq: Number(item.seq.N), hash };
  }
}
