import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { teachConditionFailureItem } from './dynaliteConditionFailureItem';

/** dynalite ships no types; this is the part of its API we use. */
type DynaliteFactory = (options: { createTableMs: number; deleteTableMs: number; updateTableMs: number; path?: string }) => Server;

export interface EmbeddedDynamo {
  endpoint: string;
  port: number;
  close(): Promise<void>;
}

/**
 * Starts dynalite in this process on loopback, taught ReturnValuesOnConditionCheckFailure (a refused write
 * names the item that refused it, as DynamoDB's does). With `path` it persists in LevelDB, so a later
 * process sees the same ledger; without it, it is in memory.
 */
export const startEmbeddedDynamo = async (options: { port?: number; path?: string } = {}): Promise<EmbeddedDynamo> => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const dynalite = require('dynalite') as DynaliteFactory;
  teachConditionFailureItem();
  const server = dynalite({
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
    ...(options.path ? { path: options.path } : {}),
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
};
