import { n, rowIn } from '../support/rows';
import { percentile } from '../support/stats';
import type { Row } from '../table';
import type { PeerFigures } from './peer';
import { CASTORE_PEER, DRS_LEDGER_PEER, type PeerRun, type PeerSection, RAW_PEER } from './peerSection';

/** drs-ledger's sequential appends per second at least castore's; its replay of 10,000 events at most 1.2× the raw Query's time. */
export const APPEND_TARGET = 1.0;
export const REPLAY_TARGET = 1.2;
export const REPLAY_TARGET_EVENTS = 10_000;

const ms = (value: number) => (value >= 100 ? `${n(value)} ms` : `${n(value, 2)} ms`);
const row = rowIn('peers');

/**
 * Ours over theirs, round by round: in an interleaved round every peer ran within moments of the others, so a
 * round's ratio is spared the machine's slow spells that spread the medians. The median of the rounds' ratios is
 * the figure a target is judged on (as the contention step judges its writers), with the quartiles (nearest rank).
 */
export const roundRatios = (ours: readonly number[], theirs: readonly number[]): { q1: number; median: number; q3: number } => {
  // Each peer ran once in every round: arrays of other lengths are not pairs, and a verdict on them would mean nothing.
  if (ours.length === 0 || ours.length !== theirs.length) throw new Error(`rounds do not pair: ${ours.length} against ${theirs.length}`);
  const ratios = ours.map((value, index) => value / (theirs[index] as number));
  return { q1: percentile(ratios, 0.25), median: percentile(ratios, 0.5), q3: percentile(ratios, 0.75) };
};

const figuresOf = (run: PeerRun, name: string): PeerFigures => {
  const figures = run.peers[name];
  if (!figures) throw new Error(`no figures for ${name}`);
  return figures;
};

/** "castore: 0.93 (median of rounds; quartiles 0.88–0.97) · raw: 0.71 (…)": ours over each peer, round by round. */
const ratios = (pick: (figures: PeerFigures) => readonly number[], ours: PeerFigures, peers: Array<[string, PeerFigures]>) =>
  peers
    .map(([name, theirs]) => {
      const { q1, median, q3 } = roundRatios(pick(ours), pick(theirs));
      return `${name}: ${n(median, 3)} (median of rounds; quartiles ${n(q1, 2)}–${n(q3, 2)})`;
    })
    .join(' · ');

const cpu = (figures: PeerFigures) =>
  figures.databaseCpuMsPerAppend === undefined
    ? `${n(figures.cpuMsPerAppend, 2)} CPU ms (client + dynalite)`
    : `${n(figures.cpuMsPerAppend, 2)} + ${n(figures.databaseCpuMsPerAppend, 2)} CPU ms (client + dynalite)`;

/** CPU ms, the client's and (in its own process) the database's together: the work done, whatever else ran on the machine. */
const appendWork = (figures: PeerFigures) => figures.cpuMsPerAppend + (figures.databaseCpuMsPerAppend ?? 0);
const replayWork = (figures: PeerFigures, events: number) =>
  (figures.replayCpuMs?.[events] ?? NaN) + (figures.replayDatabaseCpuMs?.[events] ?? 0);
const workRatios = (work: (figures: PeerFigures) => number, ours: PeerFigures, peers: Array<[string, PeerFigures]>) =>
  `CPU (ratio of medians), drs-ledger over ${peers.map(([name, theirs]) => `${name}: ${n(work(ours) / work(theirs), 2)}`).join(' · ')}`;

const replayCpu = (figures: PeerFigures, events: number) => {
  const client = figures.replayCpuMs?.[events] ?? NaN;
  const database = figures.replayDatabaseCpuMs?.[events];
  return database === undefined ? `${n(client)} CPU ms` : `${n(client)} + ${n(database)} CPU ms`;
};

const verdict = (met: boolean, counts: boolean) => (counts ? (met ? 'PASS' : 'FAIL') : '');

/** The rows of one run; targets are judged on the run with dynalite in its own process, shown for the other. */
const runRows = (run: PeerRun): Row[] => {
  const counts = run.database === 'own process';
  const where = counts ? '' : ' [dynalite in the bench process]';
  const ours = figuresOf(run, DRS_LEDGER_PEER);
  const castore = figuresOf(run, CASTORE_PEER);
  const raw = figuresOf(run, RAW_PEER);
  const both: Array<[string, PeerFigures]> = [
    ['castore', castore],
    ['raw', raw],
  ];
  const appends = (figures: PeerFigures) => figures.appendRoundsPerSecond;
  const appendRatio = roundRatios(appends(ours), appends(castore)).median;
  const rows: Row[] = [
    row(`sequential one-event appends, one aggregate${where}`, `${n(ours.appendsPerSecond)}/s; ${cpu(ours)}`, {
      comparedWith: `castore 2.4.2 pushEvent ${n(castore.appendsPerSecond)}/s, ${cpu(castore)}; raw PutItem ${n(raw.appendsPerSecond)}/s, ${cpu(raw)}`,
      ratio: `appends/s, drs-ledger over ${ratios(appends, ours, both)}; ${workRatios(appendWork, ours, both)}`,
      target: `≥ ${n(APPEND_TARGET, 1)} × castore`,
      result: verdict(appendRatio >= APPEND_TARGET, counts),
    }),
  ];
  for (const events of run.historySizes) {
    const load = (figures: PeerFigures) => figures.loadRoundsMs?.[events] ?? [];
    const loadMs = (figures: PeerFigures) => ms(figures.loadMs?.[events] ?? NaN);
    rows.push(
      row(`load for a decision at ${n(events)} events${where}`, loadMs(ours), {
        comparedWith: `castore getExistingAggregate ${loadMs(castore)}; raw Query of every item ${loadMs(raw)}`,
        ratio: `time, drs-ledger over ${ratios(load, ours, both)}`,
      }),
    );
  }
  for (const events of run.replaySizes) {
    const replay = (figures: PeerFigures) => figures.replayRoundsMs?.[events] ?? [];
    const replayMs = (figures: PeerFigures) => ms(figures.replayMsBySize?.[events] ?? NaN);
    const rawRatio = roundRatios(replay(ours), replay(raw)).median;
    const judged = events === REPLAY_TARGET_EVENTS;
    rows.push(
      row(`replay ${n(events)} events (read every event + fold)${where}`, `${replayMs(ours)}; ${replayCpu(ours, events)}`, {
        comparedWith: `castore ${replayMs(castore)}, ${replayCpu(castore, events)}; raw Query ${replayMs(raw)}, ${replayCpu(raw, events)}`,
        ratio: `time, drs-ledger over ${ratios(replay, ours, both)}; ${workRatios((figures) => replayWork(figures, events), ours, both)}`,
        target: judged ? `≤ ${n(REPLAY_TARGET, 1)} × raw` : '',
        result: judged ? verdict(rawRatio <= REPLAY_TARGET, counts) : '',
      }),
    );
  }
  return rows;
};

/** The peers section: the run with dynalite in its own process (judged), then the one in the bench's process. */
export const peerRows = (section: PeerSection): Row[] => [
  ...runRows(section.ownProcess),
  ...(section.benchProcess ? runRows(section.benchProcess) : []),
];
