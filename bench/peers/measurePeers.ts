import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { dynamoItemBytes } from '../../src/adapters/dynamodb/itemSize';
import { median } from '../support/stats';
import { interleavedRounds, repeated } from './interleave';
import type { Peer, PeerFigures } from './peer';
import { describeTally, tallyRequests } from './requestTally';

export interface PeerRunOptions {
  /**
   * Timed rounds of appends and the appends each peer makes in one, on one aggregate that grows round after
   * round. Many short rounds rather than a few long ones: on a shared machine a slow spell then spoils a few
   * samples of every peer, not a whole sample of one.
   */
  appendRounds: number;
  appendsPerRound: number;
  /** Untimed rounds of appends first: the SDK's, dynalite's and each store's paths take a few hundred calls to warm. */
  appendWarmupRounds: number;
  /** Timed rounds of loads and replays (each replay reads the largest history whole), and untimed ones before. */
  readRounds: number;
  readWarmupRounds: number;
  /** Histories loaded for a decision (events each). */
  historySizes: readonly number[];
  /** Histories replayed whole (events each); the largest is also the one `replayMs` names. */
  replaySizes: readonly number[];
  /** The database process's CPU ms so far, when it runs in a process of its own: measured apart from the client's. */
  databaseCpuMs?: () => Promise<number>;
}

export const DEFAULT_PEER_RUN: PeerRunOptions = {
  appendRounds: 100,
  appendsPerRound: 10,
  appendWarmupRounds: 20,
  readRounds: 7,
  readWarmupRounds: 2,
  historySizes: [10, 10_000],
  replaySizes: [2_000, 10_000],
};

/** Appends counted (not timed) for the requests and item size of one append. */
const TALLIED_APPENDS = 20;
/** A load is repeated until a round's sample covers about this many events (one load of 10 events is ~1 ms). */
const EVENTS_PER_LOAD_SAMPLE = 500;

const loadRepeats = (events: number) => Math.max(1, Math.round(EVENTS_PER_LOAD_SAMPLE / events));
const loadTask = (peer: string, events: number) => `${peer} load ${events}`;
const replayTask = (peer: string, events: number) => `${peer} replay ${events}`;

const mean = (values: readonly number[]) => values.reduce((sum, value) => sum + value, 0) / Math.max(values.length, 1);

/**
 * Every peer on the same client (the same retries, timeouts and connection pool), in the same interleaved
 * rounds: sequential appends, then loads of seeded histories of each size and replays of each replay size, the
 * peers' tasks of one kind and size back to back. Then,
 * untimed, what one append and one replay send and what an append's item weighs. Figures by peer name.
 */
export const measurePeers = async (
  client: DynamoDBClient,
  peers: readonly Peer[],
  options: PeerRunOptions = DEFAULT_PEER_RUN,
): Promise<Record<string, PeerFigures>> => {
  const appendsEach = (options.appendWarmupRounds + options.appendRounds) * options.appendsPerRound + TALLIED_APPENDS;
  const steps = await Promise.all(peers.map((peer, index) => peer.startAppending(`exec-peer${index}-appends`, appendsEach)));
  const { databaseCpuMs } = options;
  const appendRounds = await interleavedRounds(
    Object.fromEntries(peers.map((peer, index) => [peer.name, repeated(steps[index] as () => Promise<void>, options.appendsPerRound)])),
    { rounds: options.appendRounds, warmupRounds: options.appendWarmupRounds, ...(databaseCpuMs ? { databaseCpuMs } : {}) },
  );

  const sizes = [...new Set([...options.historySizes, ...options.replaySizes])].sort((a, b) => a - b);
  const largestReplay = Math.max(...options.replaySizes);
  const reads: Record<string, () => Promise<void>> = {};
  const largestReplays = new Map<string, () => Promise<void>>();
  for (const [index, peer] of peers.entries()) {
    if (!peer.seedHistory) continue;
    for (const size of sizes) {
      const history = await peer.seedHistory(`exec-peer${index}-history${size}`, size);
      if (options.historySizes.includes(size)) reads[loadTask(peer.name, size)] = repeated(history.load, loadRepeats(size));
      if (options.replaySizes.includes(size)) reads[replayTask(peer.name, size)] = history.replay;
      if (size === largestReplay) largestReplays.set(peer.name, history.replay);
    }
  }
  // Each size's loads, and each size's replays, run back to back: the peers' figures are compared round by round.
  const readers = peers.filter((peer) => peer.seedHistory).map((peer) => peer.name);
  const families = [
    ...options.historySizes.map((size) => readers.map((peer) => loadTask(peer, size))),
    ...options.replaySizes.map((size) => readers.map((peer) => replayTask(peer, size))),
  ];
  const readRounds = await interleavedRounds(reads, {
    rounds: options.readRounds,
    warmupRounds: options.readWarmupRounds,
    families,
    ...(databaseCpuMs ? { databaseCpuMs } : {}),
  });
  const bySize = <T>(
    peer: string,
    task: (peer: string, size: number) => string,
    sizes: readonly number[],
    pick: (size: number, task: string) => T,
  ): Record<number, T> => Object.fromEntries(sizes.map((size) => [size, pick(size, task(peer, size))]));

  const figures: Record<string, PeerFigures> = {};
  for (const [index, peer] of peers.entries()) {
    const appended = await tallyRequests(client, repeated(steps[index] as () => Promise<void>, TALLIED_APPENDS));
    const rounds = appendRounds[peer.name];
    const roundsPerSecond = (rounds?.wallMs ?? []).map((ms) => (options.appendsPerRound / ms) * 1000);
    const peerFigures: PeerFigures = {
      appendsPerSecond: median(roundsPerSecond),
      appendRoundsPerSecond: roundsPerSecond,
      cpuMsPerAppend: median(rounds?.cpuMs ?? []) / options.appendsPerRound,
      ...(rounds?.databaseCpuMs.length ? { databaseCpuMsPerAppend: median(rounds.databaseCpuMs) / options.appendsPerRound } : {}),
      requestsPerAppend: describeTally(appended, TALLIED_APPENDS),
      itemBytes: mean(appended.putItems.map(dynamoItemBytes)),
      itemAttributes: mean(appended.putItems.map((item) => Object.keys(item).length)),
      requestBytesPerAppend: appended.bodyBytes / TALLIED_APPENDS,
    };
    const replay = largestReplays.get(peer.name);
    if (replay) {
      const samples = (task: string) => readRounds[task] ?? { wallMs: [], cpuMs: [], databaseCpuMs: [] };
      peerFigures.loadRoundsMs = bySize(peer.name, loadTask, options.historySizes, (size, task) =>
        samples(task).wallMs.map((ms) => ms / loadRepeats(size)),
      );
      peerFigures.loadMs = bySize(
        peer.name,
        loadTask,
        options.historySizes,
        (size, task) => median(samples(task).wallMs) / loadRepeats(size),
      );
      peerFigures.replayRoundsMs = bySize(peer.name, replayTask, options.replaySizes, (_, task) => samples(task).wallMs);
      peerFigures.replayMsBySize = bySize(peer.name, replayTask, options.replaySizes, (_, task) => median(samples(task).wallMs));
      peerFigures.replayCpuMs = bySize(peer.name, replayTask, options.replaySizes, (_, task) => median(samples(task).cpuMs));
      if (databaseCpuMs) {
        peerFigures.replayDatabaseCpuMs = bySize(peer.name, replayTask, options.replaySizes, (_, task) =>
          median(samples(task).databaseCpuMs),
        );
      }
      peerFigures.replayMs = peerFigures.replayMsBySize[largestReplay] ?? NaN;
      peerFigures.requestsPerReplay = describeTally(await tallyRequests(client, replay), 1);
    }
    figures[peer.name] = peerFigures;
  }
  return figures;
};
