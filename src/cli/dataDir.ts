import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { currentOwner, holderText, isAlive, type OwnerCommand } from './ownerLock';
import { UsageError } from './exitCodes';

/** Where the local ledger lives unless --data-dir or DRS_LEDGER_DATA_DIR says otherwise. */
export const DEFAULT_DATA_DIR = './.drs-ledger';

export const resolveDataDir = (option?: string): string => resolve(option ?? process.env.DRS_LEDGER_DATA_DIR ?? DEFAULT_DATA_DIR);

/** What the folder's owner (`serve` or `drill`) publishes, so other commands reach its stack instead of the locked folder. */
export interface ServeEndpoints {
  pid: number;
  /** Which command owns the folder (absent from a file an older serve wrote). */
  owner?: OwnerCommand;
  /** When the owner took the folder, as its owner.lock says (absent from a file an older serve wrote). */
  startedAt?: string;
  lambda: string;
  dynamodb: string;
  drs: string;
  sfn: string;
  sns: string;
  /** The KMS and S3 emulators holding the signed digest chain (absent from a file an older serve wrote). */
  kms?: string;
  s3?: string;
  /** The STS emulator standing in for the plans' target accounts (absent from a file an older serve wrote). */
  sts?: string;
  /** The operator API (SigV4-verified HTTP API; absent from a file an older serve wrote). */
  operatorApi?: string;
  /** The web console (`http://127.0.0.1:<port>`; absent from a file an older owner wrote). */
  console?: string;
  /** The CloudFormation emulator describing a deployed-shaped stack (`serve --stage`; absent otherwise). */
  cloudformation?: string;
  tablePrefix: string;
}

const endpointsFile = (dataDir: string) => join(dataDir, 'serve.json');

export const writeServeEndpoints = (dataDir: string, endpoints: ServeEndpoints): void =>
  writeFileSync(endpointsFile(dataDir), `${JSON.stringify(endpoints, null, 2)}\n`);

export const removeServeEndpoints = (dataDir: string): void => rmSync(endpointsFile(dataDir), { force: true });

/** serve.json as written (or `text`, already read), whoever wrote it; undefined when absent or unreadable. */
export const readServeEndpoints = (dataDir: string, text?: string): ServeEndpoints | undefined => {
  const file = endpointsFile(dataDir);
  if (text === undefined && !existsSync(file)) return undefined;
  try {
    const endpoints = JSON.parse(text ?? readFileSync(file, 'utf8')) as ServeEndpoints;
    return typeof endpoints.pid === 'number' && typeof endpoints.lambda === 'string' ? endpoints : undefined;
  } catch {
    return undefined;
  }
};

/**
 * The endpoints of the stack that owns this folder (a `serve` or a `drill`), if one runs. A stale file (dead
 * process) is ignored. A live owner that has not published them yet (starting, or stopping) is an error: the
 * caller must not open the folder's files itself, which that owner holds.
 */
export const runningServe = (dataDir: string): ServeEndpoints | undefined => {
  const endpoints = readServeEndpoints(dataDir);
  if (endpoints && isAlive(endpoints.pid)) return endpoints;
  const owner = currentOwner(dataDir);
  if (owner) {
    throw new UsageError(
      owner.command === 'reader'
        ? `The data folder ${dataDir} is open in ${holderText(owner)}: try again in a moment.`
        : `The data folder ${dataDir} is owned by ${holderText(owner)}, which has not published its endpoints (it is starting or stopping): try again in a moment.`,
    );
  }
  return undefined;
};
