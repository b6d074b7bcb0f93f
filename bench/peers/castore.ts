import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CASTORE_PEER, castorePeer } from './castorePeer';
import { createCastoreTable } from './castoreTable';
import { DEFAULT_PEER_RUN, measurePeers, type PeerRunOptions } from './measurePeers';
import type { PeerFigures } from './peer';
import { rawPeer } from './rawPeer';
import { drsLedgerPeer } from './drsLedgerPeer';

export interface CastorePeersOptions extends Partial<PeerRunOptions> {
  /** drs-ledger's events table, already created: drs-ledger and the raw PutItems append to it. */
  eventsTable: string;
  /** Created here, with the keys and index castore's adapter documents. */
  castoreTable?: string;
}

export interface CastorePeers {
  /** Sequential appends per second, one event each, on one growing aggregate. */
  rawPutsPerSecond: number;
  drsLedgerAppendsPerSecond: number;
  castoreAppendsPerSecond: number;
  /** CPU ms of one append, client and dynalite together: what the clock's figures mean on a busy machine. */
  rawCpuMsPerAppend: number;
  drsLedgerCpuMsPerAppend: number;
  castoreCpuMsPerAppend: number;
  /** Median ms of a decision's load, by the number of events in the history. */
  drsLedgerLoadMs: Record<number, number>;
  castoreLoadMs: Record<number, number>;
  /** Median ms of reading and folding every event of the largest history, and its size. */
  drsLedgerReplayMs: number;
  castoreReplayMs: number;
  replayEvents: number;
  /** Everything measured, by peer name (with requests per append and item sizes). */
  peers: Record<string, PeerFigures>;
}

const figuresOf = (peers: Record<string, PeerFigures>, name: string): PeerFigures => {
  const figures = peers[name];
  if (!figures) throw new Error(`no figures for ${name}`);
  return figures;
};

/**
 * castore 2.4.2 beside drs-ledger and raw conditional PutItems, on the caller's client and dynalite (issue 12:
 * drs-ledger's sequential append at least as fast as castore's).
 */
export const measureCastorePeers = async (client: DynamoDBClient, options: CastorePeersOptions): Promise<CastorePeers> => {
  const { eventsTable, castoreTable = 'peers-castore-events', ...run } = options;
  const runOptions: PeerRunOptions = { ...DEFAULT_PEER_RUN, ...run };
  await createCastoreTable(client, castoreTable);
  const raw = rawPeer(client, eventsTable);
  const drsLedger = drsLedgerPeer(client, eventsTable);
  const castore = castorePeer(client, castoreTable);
  const peers = await measurePeers(client, [raw, drsLedger, castore], runOptions);
  const floor = figuresOf(peers, raw.name);
  const ours = figuresOf(peers, drsLedger.name);
  const theirs = figuresOf(peers, CASTORE_PEER);
  return {
    rawPutsPerSecond: floor.appendsPerSecond,
    drsLedgerAppendsPerSecond: ours.appendsPerSecond,
    castoreAppendsPerSecond: theirs.appendsPerSecond,
    rawCpuMsPerAppend: floor.cpuMsPerAppend,
    drsLedgerCpuMsPerAppend: ours.cpuMsPerAppend,
    castoreCpuMsPerAppend: theirs.cpuMsPerAppend,
    drsLedgerLoadMs: ours.loadMs ?? {},
    castoreLoadMs: theirs.loadMs ?? {},
    drsLedgerReplayMs: ours.replayMs ?? NaN,
    castoreReplayMs: theirs.replayMs ?? NaN,
    replayEvents: Math.max(...runOptions.historySizes),
    peers,
  };
};
