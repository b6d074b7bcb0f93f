import { DEFAULT_LAMBDA_PORT, startLocalStack } from '../../local/stack';
import { removeServeEndpoints, writeServeEndpoints } from '../dataDir';
import { readFileSync } from 'node:fs';
import { SAMPLE_INVENTORY } from '../packageRoot';
import { resolve } from 'node:path';
import { DEFAULT_OPERATOR_API_PORT } from '../../local/operatorApi/server';
import { ensureUsers, type LocalUser, parseUsersSpec, readUsers, usersFile, UsersSpecError } from '../../local/operatorApi/users';
import { UsageError } from '../exitCodes';

export interface ServeOptions {
  dataDir: string;
  port: number;
  /** The operator API's port. */
  apiPort: number;
  /** --users: the operators who may sign requests, and their rights (alice:drill+recovery+approve,bob). */
  users?: string;
  speed: number;
  findIntervalSeconds?: number;
  logLevel: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT';
}

/**
 * `drs-ledger serve`: the local stack until Ctrl-C, its endpoints printed and published for other commands (the
 * KMS and S3 endpoints too: `verify`, `report` and `digests` read the digest chain through them).
 */
export const runServe = async (options: ServeOptions, out: NodeJS.WritableStream): Promise<number> => {
  const inventory = JSON.parse(readFileSync(SAMPLE_INVENTORY(), 'utf8')) as Array<{ sourceServerID: string; hostname: string }>;
  const { users, removed } = operatorUsers(resolve(options.dataDir), options.users);
  const stack = await startLocalStack({
    dataDir: options.dataDir,
    lambdaPort: options.port,
    operatorApiPort: options.apiPort,
    operatorUsers: users,
    speed: options.speed,
    logLevel: options.logLevel,
    inventory,
    ...(options.findIntervalSeconds ? { findIntervalMs: options.findIntervalSeconds * 1000 } : {}),
  });
  writeServeEndpoints(stack.dataDir, {
    pid: process.pid,
    ...stack.endpoints,
    tablePrefix: stack.config.tables.events.replace(/-events$/, ''),
  });
  const { recovery } = stack;
  out.write(
    [
      `drs-ledger local stack is up (data in ${stack.dataDir})`,
      `  Lambda (execution-handler)  ${stack.endpoints.lambda}`,
      `  DynamoDB (dynalite)         ${stack.endpoints.dynamodb}`,
      `  DRS emulator                ${stack.endpoints.drs}`,
      `  Step Functions              ${stack.endpoints.sfn}`,
      `  SNS (outbox ${stack.outboxPath})  ${stack.endpoints.sns}`,
      `  KMS (digest signing key)    ${stack.endpoints.kms}`,
      `  S3 (signed digests)         ${stack.endpoints.s3}`,
      `  Operator API (SigV4)        ${stack.endpoints.operatorApi}`,
      ...usersLines(stack.dataDir, users, removed),
      `  scheduled find every ${options.findIntervalSeconds ?? Math.max(1, 30 / options.speed)}s; DRS runs ${options.speed}x`,
      recovery.executions
        ? `  recovered ${recovery.executions} executions: ${recovery.viewsCaughtUp} views caught up, ${recovery.stateMachinesRestarted} state machines restarted`
        : '  ledger is empty: load a plan with `drs-ledger plans load <file>`',
      `Try: aws lambda invoke --endpoint-url ${stack.endpoints.lambda} --function-name execution-handler --cli-binary-format raw-in-base64-out --payload '{"operation":"find"}' out.json`,
      'Ctrl-C stops it.',
      '',
    ].join('\n'),
  );
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  out.write('Stopping…\n');
  removeServeEndpoints(stack.dataDir);
  await stack.close();
  return 0;
};

/** The users of this run: the spec's (written to users.json, existing ones keeping their keys), else the folder's. */
const operatorUsers = (dataDir: string, spec: string | undefined): { users: LocalUser[]; removed: string[] } => {
  if (spec === undefined) return { users: readUsers(dataDir) ?? [], removed: [] };
  try {
    return ensureUsers(dataDir, parseUsersSpec(spec));
  } catch (error) {
    if (error instanceof UsersSpecError) throw new UsageError(error.message);
    throw error;
  }
};

/** Who may sign, as principal and rights; never a secret key (those stay in users.json, mode 0600). */
const usersLines = (dataDir: string, users: LocalUser[], removed: string[]): string[] => {
  if (users.length === 0)
    return ['    no operators: start with --users alice:drill+recovery+approve,bob to sign requests (invoke --as <user>)'];
  const width = Math.max(...users.map((user) => user.name.length));
  return [
    `    operators (keys in ${usersFile(dataDir)}; sign with \`drs-ledger invoke ... --as <user>\`):`,
    ...users.map((user) => `      ${user.name.padEnd(width)}  ${user.principalArn}  ${user.rights.join('+')}`),
    ...(removed.length ? [`    removed (their keys no longer work): ${removed.join(', ')}`] : []),
  ];
};

export { DEFAULT_LAMBDA_PORT, DEFAULT_OPERATOR_API_PORT };
