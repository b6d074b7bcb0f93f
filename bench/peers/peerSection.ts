/**
 * npx tsx bench/peers/peerSection.ts: the peers section of `npm run bench`. Raw conditional PutItems and Queries,
 * castore 2.4.2 and drs-ledger, in the same interleaved rounds on one dynalite through one client: sequential
 * appends, a decision's load at 10 and 10,000 events, a replay of 2,000 and of 10,000 events. First with
 * dynalite in a process of its own (as DynamoDB is to a Lambda: a service elsewhere, whose work is not the
 * client's), the figures the targets are checked on; then, unless `inProcess: false`, again with dynalite in the
 * bench's own process, where the database's work and the client's share one thread (the figures the bench gave
 * before, kept for comparison). Prints the figures as JSON.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

import { localDynamoConfig } from '../support/localDynamoConfig';
import { createDynamoDbClient } from '../../src/adapters/dynamodb/client';
import { createTables } from '../../src/adapters/dynamodb/createTables';
import { startEmbeddedDynamo } from '../../src/local/embeddedDynamo';
import { CASTORE_PEER, castorePeer } from './castorePeer';
import { createCastoreTable } from './castoreTable';
import { startDynaliteProcess } from './dynaliteProcess';
import { drsLedgerPeer } from './drsLedgerPeer';
import { DEFAULT_PEER_RUN, measurePeers, type PeerRunOptions } from './measurePeers';
import type { PeerFigures } from './peer';
import { RAW_PEER, rawPeer } from './rawPeer';

export const DRS_LEDGER_PEER = 'drs-ledger';
export { CASTORE_PEER, RAW_PEER };

export interface PeerRun {
  /** Where dynalite ran: in a process of its own, or in the bench's. */
  database: 'own process' | 'bench process';
  historySizes: readonly number[];
  replaySizes: readonly number[];
  /** Figures by peer name: RAW_PEER, CASTORE_PEER, DRS_LEDGER_PEER. */
  peers: Record<string, PeerFigures>;
}

export interface PeerSection {
  ownProcess: PeerRun;
  benchProcess?: PeerRun;
}

const peersOn = async (endpoint: string, options: PeerRunOptions): Promise<Record<string, PeerFigures>> => {
  const config = localDynamoConfig(endpoint, 'peers');
  const client = createDynamoDbClient(config);
  try {
    await createTables(client, config.tables);
    const castoreTable = 'peers-castore-events';
    await createCastoreTable(client, castoreTable);
    const peers = [rawPeer(client, config.tables.events), drsLedgerPeer(client, config.tables.events), castorePeer(client, castoreTable)];
    return await measurePeers(client, peers, options);
  } finally {
    client.destroy();
  }
};

const runOf = (database: PeerRun['database'], options: PeerRunOptions, peers: Record<string, PeerFigures>): PeerRun => ({
  database,
  historySizes: options.historySizes,
  replaySizes: options.replaySizes,
  peers,
});

export const measurePeerSection = async (options: Partial<PeerRunOptions> & { inProcess?: boolean } = {}): Promise<PeerSection> => {
  const { inProcess = true, ...run } = options;
  const runOptions: PeerRunOptions = { ...DEFAULT_PEER_RUN, ...run };
  const remote = await startDynaliteProcess();
  let ownProcess: PeerRun;
  try {
    ownProcess = runOf('own process', runOptions, await peersOn(remote.endpoint, { ...runOptions, databaseCpuMs: remote.cpuMs }));
  } finally {
    await remote.close();
  }
  if (!inProcess) return { ownProcess };
  const local = await startEmbeddedDynamo();
  try {
    return { ownProcess, benchProcess: runOf('bench process', runOptions, await peersOn(local.endpoint, runOptions)) };
  } finally {
    await local.close();
  }
};

if (require.main === module) {
  measurePeerSection({ inProcess: !process.argv.includes('--own-process-only') }).then(
    (section) => console.log(JSON.stringify(section, null, 1)),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
