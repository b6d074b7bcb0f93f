/**
 * A peer: another way of keeping one aggregate's events in DynamoDB, measured beside drs-ledger on the same
 * dynalite, through the same client, in the same rounds. Each peer appends the same domain events (drs-ledger's
 * own, as that peer would store them) so that a ratio compares stores, not payloads.
 */
export interface Peer {
  /** How the bench's figures name it: 'drs-ledger', 'castore 2.4.2', 'raw PutItem'. */
  name: string;
  /**
   * Readies `aggregateId` for `count` sequential appends (what comes before the first is not timed) and
   * returns the step that appends the next one, each waiting for the previous, carrying the state it left.
   */
  startAppending(aggregateId: string, count: number): Promise<() => Promise<void>>;
  /** Writes a history of `events` events directly (untimed); absent for a peer that only writes. */
  seedHistory?(aggregateId: string, events: number): Promise<SeededHistory>;
}

export interface SeededHistory {
  /** What a decision reads: the state after the last event, as the peer recommends getting it. */
  load(): Promise<void>;
  /** Every event read and folded (an audit's replay). */
  replay(): Promise<void>;
}

/** One peer's figures, all from the same run. */
export interface PeerFigures {
  /** The median of the timed rounds' rates, and each round's (its spread says how noisy the machine was). */
  appendsPerSecond: number;
  appendRoundsPerSecond: number[];
  /**
   * Median CPU ms of one append in this process: the client's, and dynalite's too when it runs in this process.
   * With dynalite in a process of its own, `databaseCpuMsPerAppend` is that process's.
   */
  cpuMsPerAppend: number;
  databaseCpuMsPerAppend?: number;
  /** Requests of one append, by command ("PutItem 1"). */
  requestsPerAppend: string;
  /** Mean size of the item one append writes, as DynamoDB counts it, and its top-level attributes. */
  itemBytes: number;
  itemAttributes: number;
  /** Mean bytes of the request bodies one append sends. */
  requestBytesPerAppend: number;
  /** Median ms of a load of a history of each size (by number of events), and each round's. */
  loadMs?: Record<number, number>;
  loadRoundsMs?: Record<number, number[]>;
  /** Median ms of a replay of the largest history, and the requests of one. */
  replayMs?: number;
  requestsPerReplay?: string;
  /** By history size: the median ms of a replay, each round's, and the median CPU ms (this process; dynalite's). */
  replayMsBySize?: Record<number, number>;
  replayRoundsMs?: Record<number, number[]>;
  replayCpuMs?: Record<number, number>;
  replayDatabaseCpuMs?: Record<number, number>;
}

export class PeerCheckError extends Error {
  constructor(peer: string, what: string) {
    super(`${peer}: ${what}`);
    this.name = 'PeerCheckError';
  }
}
