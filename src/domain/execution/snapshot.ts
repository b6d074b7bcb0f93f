import { boundText } from '../text';
import type { ExecutionState, ServerState, WaveState } from './state';

/** How much of a server's failure reason a snapshot keeps: what a wave's failure reason quotes. */
export const SNAPSHOT_REASON_BYTES = 160;

const snapshotServer = ({ hostname: _shownOnly, ...server }: ServerState, wave: WaveState): ServerState => {
  if (server.failureReason === undefined) return server;
  // No decision quotes the failures of a wave that is over without failing (an optional server's, a skipped
  // wave's): the events keep them. Dropped, so that a plan whose every wave has failures still fits an item.
  // Both are newer than every ledger whose snapshots are digested without this rule.
  if (wave.status === 'SKIPPED' || (wave.status === 'COMPLETED' && server.optional === true)) {
    const { failureReason: _inTheEvents, ...rest } = server;
    return rest;
  }
  return { ...server, failureReason: boundText(server.failureReason, SNAPSHOT_REASON_BYTES) };
};

/**
 * The state as a ledger item stores it for the next decision: without what only views and reports show
 * (hostnames; reasons beyond what a decision quotes), so an item stays within DynamoDB's 400 KB for the
 * largest plan the validator accepts. Deciding on it gives the same events as deciding on the full fold.
 */
export const snapshotOf = (state: ExecutionState): ExecutionState =>
  state.status === 'NOT_STARTED'
    ? state
    : { ...state, waves: state.waves.map((wave) => ({ ...wave, servers: wave.servers.map((server) => snapshotServer(server, wave)) })) };
