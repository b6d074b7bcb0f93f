import { LambdaClient } from '@aws-sdk/client-lambda';
import type { RecoveryPlan } from '../../domain/plan';
import { FUNCTION_NAME, type LocalStack, startLocalStack } from '../../local/stack';
import type { OperationResponse } from '../../operations/responses';
import { readServeEndpoints, type ServeEndpoints } from '../dataDir';
import { invokeHandler } from '../lambdaCalls';
import { openLedger } from '../ledgerAccess';
import { currentOwner, FolderOwnedError, type Ownership, takeOwnership } from '../ownership';
import { isAlive } from '../ownerLock';
import { type InventoryEntry, registerWithRunningDrs, trustWithRunningSts } from '../runningStackPlans';
import { type ConsoleServer, startStackConsole } from '../console/stackConsole';

/**
 * The stack a drill runs on: its own (the drill owns the folder and publishes its endpoints, so a second shell
 * can watch, approve or cancel), or the running `serve`'s, reached as a client through the endpoints it published.
 */
export interface DrillStack {
  readonly role: 'owner' | 'client';
  readonly dataDir: string;
  readonly endpoints: ServeEndpoints;
  /** The owner's console login link (its key: printed to the owner alone, never published in serve.json). */
  readonly consoleLoginUrl?: string;
  invoke(payload: Record<string, unknown>): Promise<OperationResponse>;
  /** Stores the plan and makes its servers (and target role) known to the stack's emulators. */
  loadPlan(plan: RecoveryPlan): Promise<void>;
  /** The owner's stack is closed and the folder given back (its files removed only if still its own). */
  close(): Promise<void>;
}

export interface DrillStackOptions {
  dataDir: string;
  speed: number;
  inventory: InventoryEntry[];
}

/** The `serve` that owns the folder now, by its lock, or by a published file from a serve older than locks. */
const runningServeOf = (dataDir: string): ServeEndpoints | undefined => {
  const owner = currentOwner(dataDir);
  const published = readServeEndpoints(dataDir);
  if (owner) {
    if (owner.command !== 'serve' || published?.pid !== owner.pid)
      throw new FolderOwnedError(dataDir, owner, published?.pid === owner.pid ? published : undefined);
    return published;
  }
  return published && isAlive(published.pid) && published.owner !== 'drill' ? published : undefined;
};

const clientOf = (dataDir: string, endpoints: ServeEndpoints, inventory: InventoryEntry[]): DrillStack => {
  const lambda = new LambdaClient({
    endpoint: endpoints.lambda,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 3,
  });
  return {
    role: 'client',
    dataDir,
    endpoints,
    invoke: (payload) => invokeHandler(lambda, FUNCTION_NAME, payload),
    loadPlan: async (plan) => {
      // As `plans load` does against a running serve: the plans table through its DynamoDB, its emulators told.
      const ledger = await openLedger(dataDir);
      try {
        await ledger.plans.put(plan);
        await registerWithRunningDrs(endpoints.drs, [plan], inventory);
        if (endpoints.sts) await trustWithRunningSts(endpoints.sts, [plan], ledger.config.crossAccountRoleName);
      } finally {
        await ledger.close();
      }
    },
    close: async () => lambda.destroy(),
  };
};

/** The owner publishes its console too (on a free port): a second shell's browser watches and acts there. */
const ownerOf = (owned: Ownership, stack: LocalStack, webConsole: ConsoleServer): DrillStack => {
  const endpoints: ServeEndpoints = {
    pid: owned.record.pid,
    owner: 'drill',
    startedAt: owned.record.startedAt,
    ...stack.endpoints,
    console: webConsole.url,
    tablePrefix: stack.config.tables.events.replace(/-events$/, ''),
  };
  owned.publish(endpoints);
  let closing: Promise<void> | undefined;
  return {
    role: 'owner',
    dataDir: stack.dataDir,
    endpoints,
    consoleLoginUrl: webConsole.loginUrl,
    invoke: (payload) => invokeHandler(stack.lambdaClient, FUNCTION_NAME, payload),
    loadPlan: (plan) => stack.loadPlans([plan]),
    close: () =>
      (closing ??= (async () => {
        // New clients stop coming first; the folder is free once its files are closed.
        owned.withdraw();
        try {
          try {
            await webConsole.close();
          } finally {
            await stack.close();
          }
        } finally {
          owned.release();
        }
      })()),
  };
};

/**
 * The folder's stack for a drill. A running `serve` is used as a client (its speed is its own); a running drill
 * (or a serve still starting) owns the folder: refused (FolderOwnedError, exit 2), nothing touched. Otherwise the
 * drill takes the folder's lock before it binds a port or opens a file, starts the stack and publishes it.
 */
export const openDrillStack = async (options: DrillStackOptions): Promise<DrillStack> => {
  const serve = runningServeOf(options.dataDir);
  if (serve) return clientOf(options.dataDir, serve, options.inventory);
  const owned = takeOwnership(options.dataDir, 'drill');
  try {
    const stack = await startLocalStack({ dataDir: options.dataDir, lambdaPort: 0, speed: options.speed, inventory: options.inventory });
    const webConsole = await startStackConsole(stack, 0).catch(async (error: unknown) => {
      await stack.close();
      throw error;
    });
    return ownerOf(owned, stack, webConsole);
  } catch (error) {
    owned.release();
    throw error;
  }
};
