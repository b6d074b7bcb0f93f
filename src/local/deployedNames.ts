/**
 * The names `npm run deploy -- --stage <stage>` gives (serverless.yml: service, custom.names, custom.tables,
 * resources.Outputs), shared by the CLI that reads a deployed stack and the local stack that takes its shape
 * (`serve --stage`). test/infrastructure checks them against serverless.yml.
 */
export const SERVICE = 'drs-ledger';

export const stackNameOf = (stage: string): string => `${SERVICE}-${stage}`;

/** `drs-ledger-<stage>-<name>`: a function, a table (DRS_LEDGER_TABLE_PREFIX is `drs-ledger-<stage>`), a topic. */
export const stageNameOf = (stage: string, name: string): string => `${SERVICE}-${stage}-${name}`;

/** The stack output that names each resource the CLI reaches. */
export const STACK_OUTPUTS = {
  eventsTable: 'EventsTableName',
  executionViewsTable: 'ExecutionViewsTableName',
  plansTable: 'PlansTableName',
  resumeTokensTable: 'ResumeTokensTableName',
  executionHandlerName: 'ExecutionHandlerName',
  operatorApiUrl: 'OperatorApiUrl',
  digestBucket: 'DigestBucketName',
  digestKeyId: 'DigestKeyArn',
  digestPrefix: 'DigestPrefix',
  notificationTopicArn: 'NotificationTopicArn',
  stateMachineArn: 'DrillStateMachineArn',
} as const;
