/**
 * `serve --stage qa` (LocalStackOptions.stage): the local stack shaped as `npm run deploy -- --stage qa` shapes the
 * deployed one: tables drs-ledger-qa-…, the functions answering under their deployed names too, and a CloudFormation
 * stack drs-ledger-qa whose outputs name them (what the CLI's --stage path reads).
 */
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { LocalStack } from '../../src/local/stack';
import { startTestStack } from '../support/localStack';

const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

describe('a deployed-shaped local stack', () => {
  let stack: LocalStack;
  beforeAll(async () => {
    stack = await startTestStack({ stage: 'qa' });
  });
  afterAll(() => stack?.close());

  it('names its tables as the deployed stage does', () => {
    expect(stack.config.tables).toEqual({
      events: 'drs-ledger-qa-events',
      executions: 'drs-ledger-qa-execution-views',
      plans: 'drs-ledger-qa-plans',
      resumeTokens: 'drs-ledger-qa-resume-tokens',
    });
  });

  it('describes the stack drs-ledger-qa, whose outputs name its tables, function, operator API, digests and topic', async () => {
    const cloudformation = new CloudFormationClient({ region: 'us-east-1', endpoint: stack.endpoints.cloudformation, credentials });
    try {
      const { Stacks } = await cloudformation.send(new DescribeStacksCommand({ StackName: 'drs-ledger-qa' }));
      const outputs = Object.fromEntries((Stacks?.[0]?.Outputs ?? []).map((output) => [output.OutputKey, output.OutputValue]));
      expect(outputs).toEqual({
        EventsTableName: 'drs-ledger-qa-events',
        ExecutionViewsTableName: 'drs-ledger-qa-execution-views',
        PlansTableName: 'drs-ledger-qa-plans',
        ResumeTokensTableName: 'drs-ledger-qa-resume-tokens',
        ExecutionHandlerName: 'drs-ledger-qa-execution-handler',
        OperatorApiUrl: stack.endpoints.operatorApi,
        DigestBucketName: 'drs-ledger-digests',
        DigestKeyArn: stack.config.digests?.keyId,
        DigestPrefix: 'digests/',
        NotificationTopicArn: stack.config.notificationTopicArn,
        DrillStateMachineArn: stack.config.stateMachineArn,
      });
    } finally {
      cloudformation.destroy();
    }
  });

  it('answers under the deployed function name as under the local one', async () => {
    const lambda = new LambdaClient({ region: 'us-east-1', endpoint: stack.endpoints.lambda, credentials });
    try {
      for (const name of ['drs-ledger-qa-execution-handler', 'execution-handler']) {
        const output = await lambda.send(
          new InvokeCommand({
            FunctionName: name,
            Payload: Buffer.from(JSON.stringify({ operation: 'get_execution_details', executionId: 'exec-none' })),
          }),
        );
        expect(JSON.parse(Buffer.from(output.Payload ?? []).toString('utf8'))).toMatchObject({
          statusCode: 404,
          error: 'EXECUTION_NOT_FOUND',
        });
      }
    } finally {
      lambda.destroy();
    }
  });

  it('has no stack without a stage', async () => {
    const plain = await startTestStack();
    try {
      expect(plain.cloudformation.stacks()).toEqual([]);
      expect(plain.config.tables.events).toBe('drs-ledger-events');
    } finally {
      await plain.close();
    }
  });
});
