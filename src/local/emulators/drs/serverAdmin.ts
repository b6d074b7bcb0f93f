import type { ServerStateRecord } from './records';
import { checkedLaunchConfiguration, checkedReplication, checkedSnapshots } from './serverState';
import type { DrsStore } from './store';
import { SOURCE_SERVER_ID } from './validation';

/** The per-server controls of the admin API, by the last segment of their route. */
export const SERVER_PARTS = ['replication', 'launch-configuration', 'snapshots'] as const;
export type ServerPart = (typeof SERVER_PARTS)[number];

export const isServerPart = (value: string): value is ServerPart => (SERVER_PARTS as readonly string[]).includes(value);

/** The server is not registered: the admin API answers 404. */
export class UnknownServerError extends Error {}

/**
 * Sets one part of a registered server's state from an admin body (checked whole first: a bad body throws and
 * changes nothing). Returns the server's state as it now is.
 */
export const updateServerPart = (store: DrsStore, sourceServerID: string, part: ServerPart, body: unknown): ServerStateRecord => {
  if (!SOURCE_SERVER_ID.test(sourceServerID)) throw new Error(`Source server id ${sourceServerID} does not match s-[0-9a-zA-Z]{17}`);
  if (!store.sourceServers.has(sourceServerID)) throw new UnknownServerError(`No source server ${sourceServerID} is registered`);
  if (part === 'replication') store.updateServerState(sourceServerID, { replication: checkedReplication(body) });
  else if (part === 'launch-configuration') {
    store.updateServerState(sourceServerID, { launchConfiguration: checkedLaunchConfiguration(body) });
  } else store.updateServerState(sourceServerID, { snapshots: checkedSnapshots(sourceServerID, body) });
  return store.serverState(sourceServerID);
};
