import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoExecutionEventStore } from '../../adapters/dynamodb/eventStore';
import { DynamoExecutionViewStore } from '../../adapters/dynamodb/executionViewStore';
import { DynamoLedgerRecordReader } from '../../adapters/dynamodb/ledgerRecordReader';
import { DynamoPlanStore } from '../../adapters/dynamodb/planStore';
import { DynamoTamperAlarmRecords } from '../../adapters/dynamodb/tamperAlarmRecords';
import type { AppConfig } from '../../config';
import { type ApiAnswer, sendRequest, signRequest } from '../../local/operatorApi/signing';
import type { LocalUser, Right } from '../../local/operatorApi/users';
import { FUNCTION_NAME, type LocalStack } from '../../local/stack';
import type { OperationResponse } from '../../operations/responses';
import type { ApiCall } from '../deployedInvoke';
import { type DigestAccess, openLocalDigests, type OpenedDigests } from '../digestAccess';
import { invokeHandler } from '../lambdaCalls';

/** The ledger's stores the console reads, on the owner's own DynamoDB client (the folder's owner serves it). */
export interface ConsoleLedger {
  config: AppConfig;
  client: DynamoDBClient;
  store: DynamoExecutionEventStore;
  views: DynamoExecutionViewStore;
  plans: DynamoPlanStore;
  tamperAlarms: DynamoTamperAlarmRecords;
  /** Every item as found, untrusted: what verification and evidence read. */
  records: DynamoLedgerRecordReader;
}

/**
 * Someone the console may act as: each action goes to the operator API signed as them, so the ledger records
 * their verified principal. Their keys (a local user's) or credentials (the caller's own) never leave this process.
 */
export interface ConsoleOperator {
  name: string;
  principalArn: string;
  /** The rights the console offers them: a local user's own; on a deployed stack all of them (IAM decides). */
  rights: readonly Right[];
  /** 'IAM' when the rights listed are not known here: IAM's policies decide, and a refusal comes back as IAM's 403. */
  rightsDecidedBy?: 'IAM';
  /**
   * Sends one route of the operator API signed as this operator (each request signed afresh, with a request id of
   * its own: two identical actions are two requests, not a replay); throws when the API does not answer, or when
   * `signal` aborts it (a sender that cannot stop may ignore it: the console stops waiting anyway).
   */
  send(call: ApiCall, signal?: AbortSignal): Promise<ApiAnswer>;
}

/** What the console stands on: a local stack this process runs, or a deployed one reached with the caller's credentials. */
export interface ConsoleBackend {
  ledger: ConsoleLedger;
  /** get_execution_details of one execution: the operation's answer, its statusCode the HTTP status. */
  executionDetails(executionId: string): Promise<OperationResponse>;
  /** The operator API's URL (what a refusal to reach it names). */
  operatorApi: string;
  /** Who the console may act as: the local users, or the caller of a deployed stack alone. */
  operators(): readonly ConsoleOperator[];
  /**
   * An action without `as`: the execution-handler invoked directly, as `drs-ledger invoke` does (no principal: the
   * ledger records the name as unverified). The local stack's only: against a deployed stack the console never
   * offers an unverified act, so it has none.
   */
  invokeDirect?: (event: Record<string, unknown>) => Promise<OperationResponse>;
  /** The signed digest chain beside the ledger, opened on first use, or why there is none. */
  digests(): Promise<DigestAccess>;
  close(): Promise<void>;
}

/** A local user as the console acts as them: requests signed with their key (SigV4, as `invoke --as` signs them). */
export const localOperator = (user: LocalUser, operatorApi: string): ConsoleOperator => ({
  name: user.name,
  principalArn: user.principalArn,
  rights: user.rights,
  send: async (call, signal) =>
    sendRequest(
      await signRequest(user, {
        method: call.method,
        url: new URL(call.path, operatorApi).toString(),
        ...(call.body === undefined ? {} : { body: call.body }),
      }),
      signal,
    ),
});

/** The console's backend on a local stack this process runs (`serve`, or `drill` when it owns the folder). */
export const localConsoleBackend = (stack: LocalStack): ConsoleBackend => {
  const { config, dynamoClient: client } = stack;
  const invoke = (payload: Record<string, unknown>) => invokeHandler(stack.lambdaClient, FUNCTION_NAME, payload);
  let opened: Promise<OpenedDigests> | undefined;
  return {
    ledger: {
      config,
      client,
      store: new DynamoExecutionEventStore(client, config.tables.events, { snapshotEvery: config.ledgerSnapshotEvery }),
      views: new DynamoExecutionViewStore(client, config.tables.executions),
      plans: new DynamoPlanStore(client, config.tables.plans),
      tamperAlarms: new DynamoTamperAlarmRecords(client, config.tables.executions),
      records: new DynamoLedgerRecordReader(client, config.tables.events),
    },
    // Through the Lambda endpoint, as `drs-ledger invoke get_execution_details` calls it.
    executionDetails: (executionId) => invoke({ operation: 'get_execution_details', executionId }),
    operatorApi: stack.endpoints.operatorApi,
    operators: () => stack.operatorApi.users.map((user) => localOperator(user, stack.endpoints.operatorApi)),
    invokeDirect: invoke,
    // The stack's own KMS and S3 emulators: the chain is read through them, never by opening their files.
    digests: async () => {
      // A failure is not kept: the next request tries again.
      opened ??= openLocalDigests(stack.dataDir, stack.endpoints).catch((error: unknown) => {
        opened = undefined;
        throw error;
      });
      return (await opened).access;
    },
    close: async () => {
      if (opened) await (await opened.catch(() => undefined))?.close();
    },
  };
};
