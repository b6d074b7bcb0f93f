import { DEFAULT_LAMBDA_PORT, type LocalStack, startLocalStack } from '../../local/stack';
import { takeOwnership } from '../ownership';
import { readFileSync } from 'node:fs';
import { SAMPLE_INVENTORY } from '../packageRoot';
import { resolve } from 'node:path';
import { DEFAULT_OPERATOR_API_PORT } from '../../local/operatorApi/server';
import { ensureUsers, type LocalUser, parseUsersSpec, readUsers, usersFile, UsersSpecError } from '../../local/operatorApi/users';
import { UsageError } from '../exitCodes';
import { stackNameOf } from '../../local/deployedNames';
import { type ConsoleServer, consoleLines, DEFAULT_CONSOLE_PORT, startStackConsole } from '../console/stackConsole';

export interface ServeOptions {
  dataDir: string;
  port: number;
  /** The operator API's port. */
  apiPort: number;
  /** The web console's port (0 picks a free one). */
  consolePort: number;
  /** --users: the operators who may sign requests, and their rights (alice:drill+recovery+approve,bob). */
  users?: string;
  speed: number;
  findIntervalSeconds?: number;
  logLevel: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT';
  /** --stage: deployed-shaped (drs-ledger-<stage>-… names, and its CloudFormation stack), for the CLI's --stage path. */
  stage?: string;
}

/**
 * `drs-ledger serve`: the local stack until Ctrl-C, its endpoints printed and published for other commands (the
 * KMS and S3 endpoints too: `verify`, `report` and `digests` read the digest chain through them).
 */
export const runServe = async (options: ServeOptions, out: NodeJS.WritableStream): Promise<number> => {
  const inventory = JSON.parse(readFileSync(SAMPLE_INVENTORY(), 'utf8')) as Array<{ sourceServerID: string; hostname: string }>;
  // The folder first: a second owner is refused before it writes users.json or binds a port.
  const owned = takeOwnership(resolve(options.dataDir), 'serve');
  let stack: LocalStack | undefined;
  let webConsole: ConsoleServer | undefined;
  try {
    const { users, removed } = operatorUsers(owned.dataDir, options.users);
    stack = await startLocalStack({
      dataDir: options.dataDir,
      lambdaPort: options.port,
      operatorApiPort: options.apiPort,
      operatorUsers: users,
      speed: options.speed,
      logLevel: options.logLevel,
      inventory,
      ...(options.findIntervalSeconds ? { findIntervalMs: options.findIntervalSeconds * 1000 } : {}),
      ...(options.stage ? { stage: options.stage } : {}),
    });
    webConsole = await startStackConsole(stack, options.consolePort);
    owned.publish({ ...stack.endpoints, console: webConsole.url, tablePrefix: stack.config.tables.events.replace(/-events$/, '') });
    printStarted(stack, webConsole, options, users, removed, out);
  } catch (error) {
    if (webConsole) await webConsole.close();
    if (stack) await stack.close();
    owned.release();
    throw error;
  }
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  out.write('Stopping…\n');
  // Clients stop coming first; the folder is free once its files are closed.
  owned.withdraw();
  await webConsole.close();
  await stack.close();
  owned.release();
  return 0;
};

const printStarted = (
  stack: LocalStack,
  webConsole: ConsoleServer,
  options: ServeOptions,
  users: LocalUser[],
  removed: string[],
  out: NodeJS.WritableStream,
): void => {
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
      ...consoleLines(webConsole, stack.dataDir),
      ...(options.stage ? deployedShapeLines(stack, options.stage) : []),
      ...usersLines(stack.dataDir, users, removed),
      `  scheduled find every ${options.findIntervalSeconds ?? Math.max(1, 30 / options.speed)}s; DRS runs ${options.speed}x`,
      recovery.executions
        ? `  recovered ${recovery.executions} executions: ${recovery.viewsCaughtUp} views caught up, ${recovery.stateMachinesRestarted} state machines restarted`
        : '  ledger is empty: load a plan with `drs-ledger plans load <file>`',
      // fileb:// works with AWS CLI v1 and v2 alike; the local stack takes any credentials, but the CLI wants some.
      `Try: echo '{"operation":"find"}' > find.json && AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local aws lambda invoke --region us-east-1 --endpoint-url ${stack.endpoints.lambda} --function-name execution-handler --payload fileb://find.json out.json`,
      'Ctrl-C stops it.',
      '',
    ].join('\n'),
  );
};

/** serve --stage: the stack the CLI's --stage path finds, and the SDK settings that point it here. */
const deployedShapeLines = (stack: LocalStack, stage: string): string[] => {
  const endpoints = stack.endpoints;
  return [
    `  CloudFormation (stack ${stackNameOf(stage)})  ${endpoints.cloudformation}`,
    `    as deployed: AWS_ENDPOINT_URL_CLOUDFORMATION=${endpoints.cloudformation} AWS_ENDPOINT_URL_DYNAMODB=${endpoints.dynamodb} \\`,
    `      AWS_ENDPOINT_URL_LAMBDA=${endpoints.lambda} AWS_ENDPOINT_URL_S3=${endpoints.s3} AWS_ENDPOINT_URL_KMS=${endpoints.kms} \\`,
    // GetCallerIdentity names an operator by its key, as STS does an IAM user (`console` acts as the caller).
    ...(endpoints.sts ? [`      AWS_ENDPOINT_URL_STS=${endpoints.sts} \\`] : []),
    `      drs-ledger --stage ${stage} --region us-east-1 executions   (an operator's key pair from users.json as AWS credentials)`,
  ];
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

export { DEFAULT_CONSOLE_PORT, DEFAULT_LAMBDA_PORT, DEFAULT_OPERATOR_API_PORT };
