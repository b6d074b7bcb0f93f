import { callerIdentity, type CallerIdentity } from '../callerIdentity';
import { ConsolePortInUseError, startConsoleServer } from '../console/consoleServer';
import { deployedConsoleBackend } from '../console/deployedConsoleBackend';
import { type ConsoleServer, consoleLines, DEFAULT_CONSOLE_PORT } from '../console/stackConsole';
import { type DeployedStack, stackServiceTrouble } from '../deployedStack';
import { deployedStack } from '../deployedStackScope';
import { EXIT, UsageError } from '../exitCodes';
import { shown } from '../render/terminalText';

export { DEFAULT_CONSOLE_PORT };

export interface ConsoleOptions {
  /** 0 picks a free one. */
  port: number;
}

/** Who acts: the caller's principal, as the operator API's IAM authorizer will name it in the ledger. */
const whoCalls = async (stack: DeployedStack): Promise<CallerIdentity> => {
  try {
    return await callerIdentity(stack.region);
  } catch (error) {
    const trouble = stackServiceTrouble(error, stack.stage);
    if (!trouble) throw error;
    throw new UsageError(`sts:GetCallerIdentity, which names who the console acts as, failed: ${trouble.message}`);
  }
};

const startedLines = (stack: DeployedStack, caller: CallerIdentity, server: ConsoleServer): string =>
  [
    `drs-ledger console for stack ${stack.stackName} (${stack.region}), on this machine only`,
    // The login link is printed only: this command writes nothing to any folder.
    ...consoleLines(server),
    `  Acting as                   ${shown(caller.arn)} (your AWS credentials: IAM decides what you may do)`,
    `  Operator API (SigV4, IAM)   ${shown(stack.operatorApiUrl ?? '')}`,
    `  Ledger (DynamoDB)           ${stack.eventsTable}, ${stack.executionViewsTable}, ${stack.plansTable}`,
    `  Signed digests (S3, KMS)    s3://${stack.digestBucket}/${stack.digestPrefix}`,
    'Ctrl-C stops it.',
    '',
  ].join('\n');

/**
 * `drs-ledger --stage <stage> console`: the web console of `serve`, on 127.0.0.1 of the operator's own machine,
 * over a deployed stack: it reads the stack's tables and digests with the caller's AWS credentials, and sends
 * every action to the stack's operator API signed with them, so the ledger records the caller's verified
 * principal. Until Ctrl-C (SIGINT) or SIGTERM.
 */
export const runConsole = async (options: ConsoleOptions, out: NodeJS.WritableStream): Promise<number> => {
  const selected = deployedStack();
  if (!selected)
    throw new UsageError(
      "console serves a deployed stack's web console: give --stage <stage> (and --region, --profile). The local stack's console comes with `drs-ledger serve` (and `drill`), which print its login link",
    );
  const stack = await selected;
  const caller = await whoCalls(stack);
  const backend = deployedConsoleBackend(stack, caller);
  let server: ConsoleServer;
  try {
    server = await startConsoleServer({ port: options.port, backend });
  } catch (error) {
    await backend.close();
    if (error instanceof ConsolePortInUseError)
      throw new UsageError(
        `Port ${error.port} is already in use (a serve's console, or another drs-ledger console?): pick another with --port (0 picks a free one)`,
      );
    throw error;
  }
  out.write(startedLines(stack, caller, server));
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  out.write('Stopping…\n');
  await server.close();
  return EXIT.ok;
};
