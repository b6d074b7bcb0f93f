import { RIGHTS } from '../../local/operatorApi/users';
import { getExecutionDetails } from '../../operations/getExecutionDetails';
import type { CallerIdentity } from '../callerIdentity';
import { principalName } from '../callerIdentity';
import { callStackApi } from '../deployedInvoke';
import type { DeployedStack } from '../deployedStack';
import { UsageError } from '../exitCodes';
import { ledgerRecordReader, openStackLedger } from '../ledgerAccess';
import type { ConsoleBackend, ConsoleOperator } from './consoleBackend';

/**
 * The console's backend on a deployed stack, as the CLI's --stage commands reach it, with the caller's own AWS
 * credentials: the ledger, the plans, the executions' details and the signed digests read from the stack's tables,
 * bucket and key (openStackLedger, as `status`, `events`, `verify` and `report` read them), and every action sent
 * to the operator API signed for execute-api, as `invoke --api` sends it (callStackApi). There is one operator, the
 * caller; no direct invocation is offered (the ledger would record it unverified).
 */
export const deployedConsoleBackend = (stack: DeployedStack, caller: CallerIdentity): ConsoleBackend => {
  if (!stack.operatorApiUrl)
    throw new UsageError(
      `stack ${stack.stackName} has no OperatorApiUrl output, and the console acts only through the operator API: deploy it again with npm run deploy -- --stage ${stack.stage}`,
    );
  const ledger = openStackLedger(stack);
  const operator: ConsoleOperator = {
    name: principalName(caller.arn),
    principalArn: caller.arn,
    // Not known here: IAM's policies on the routes decide, and its 403 comes back as it is.
    rights: RIGHTS,
    rightsDecidedBy: 'IAM',
    send: (call) => callStackApi(stack, call),
  };
  return {
    ledger: {
      config: ledger.config,
      client: ledger.client,
      store: ledger.store,
      views: ledger.views,
      plans: ledger.plans,
      tamperAlarms: ledger.tamperAlarms,
      records: ledgerRecordReader(ledger),
    },
    // The operation the handler and the operator API's GET /executions/{id} run, on the stack's tables with the
    // caller's credentials (as `status` reads them): a read needs no lambda:InvokeFunction, which would also let
    // its holder act unverified, and a poll is not an API call.
    executionDetails: (executionId) => getExecutionDetails(ledger, { executionId }),
    operatorApi: stack.operatorApiUrl,
    operators: () => [operator],
    digests: () => ledger.digests(),
    close: () => ledger.close(),
  };
};
