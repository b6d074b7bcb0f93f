import { boundText } from '../text';
import type { ExecutionState, ServerState } from './state';

/** How much of a server's failure reason a snapshot keeps: what a wave's failure reason quotes. */
export const SNAPSHOT_REASON_BYTES = 160;

const snapshotServer = ({ hostname: _shownOnly, ...server }: ServerState): ServerState =>
  server.failureReason === undefined ? server : { ...server, failureReason: boundText(server.failureReason, SNAPSHOT_REASON_BYTES) };

/**
 * The state as a ledger item stores it for the next decision: without what only views and reports show
 * (hostnames; reasons beyond what a decision quotes), so an item stays within DynamoDB's 400 KB for the
 * largest plan the validator accepts. Deciding on it gives the same events as deciding on the full fold.
 */
export const snapshotOf = (state: ExecutionState): ExecutionState =>
  state.status === 'NOT_STARTED'
    ? state
    : { ...state, waves: state.waves.map((wave) => ({ ...wave, servers: wave.servers.map(snapshotServer) })) };
