import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** Where the local ledger lives unless --data-dir or DRS_LEDGER_DATA_DIR says otherwise. */
export const DEFAULT_DATA_DIR = './.drs-ledger';

export const resolveDataDir = (option?: string): string => resolve(option ?? process.env.DRS_LEDGER_DATA_DIR ?? DEFAULT_DATA_DIR);

/** What a running `serve` publishes, so other commands can reach its stack instead of the locked folder. */
export interface ServeEndpoints {
  pid: number;
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
  tablePrefix: string;
}

const endpointsFile = (dataDir: string) => join(dataDir, 'serve.json');

export const writeServeEndpoints = (dataDir: string, endpoints: ServeEndpoints): void =>
  writeFileSync(endpointsFile(dataDir), `${JSON.stringify(endpoints, null, 2)}\n`);

export const removeServeEndpoints = (dataDir: string): void => rmSync(endpointsFile(dataDir), { force: true });

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** The endpoints of a `serve` running on this folder, if one is. A stale file (dead process) is ignored. */
export const runningServe = (dataDir: string): ServeEndpoints | undefined => {
  const file = endpointsFile(dataDir);
  if (!existsSync(file)) return undefined;
  try {
    const endpoints = JSON.parse(readFileSync(file, 'utf8')) as ServeEndpoints;
    return isAlive(endpoints.pid) ? endpoints : undefined;
  } catch {
    return undefined;
  }
};
