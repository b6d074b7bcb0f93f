/**
 * Secrets and privileges across whole drills (home account and cross-account, with pauses and resumes, and
 * one server that fails to launch), with every logger at DEBUG:
 * - no task token the Step Functions emulator minted and no credential STS issued appears in a log line,
 *   a response, the ledger, the views, the plans or a notification;
 * - every AWS call the drills made is one the packaged CloudFormation grants to this stack's roles, on the
 *   resource it touched (DynamoDB seen by a recording proxy, DRS, SNS, STS and Lambda by their emulators).
 * - the packaged template seals the internal operations (issue 13): only the state machine's role invokes the
 *   internal function, only that function stores task tokens, tokens are answered for the drill state machine
 *   alone, and operators reach the product through IAM-authorized routes only.
 * The template's own rules (no wildcard actions, encrypted tables, AssumeRole only on the configured role
 * name) are test/infrastructure/cloudformation.test.ts; ExternalId on AssumeRole is
 * test/operations/crossAccount.int.test.ts.
 */
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { existsSync, readFileSync } from 'node:fs';
import { startStsEmulator, type StsEmulator } from '../../src/local/emulators';
import { INTERNAL_FUNCTION_NAME, type LocalStack } from '../../src/local/stack';
import { startTestStack } from '../support/localStack';
import { captureOutput, tapFunction } from './support/capture';
import { isEnded, waitForDetails } from './support/drive';
import { type DynamoFaultProxy, startDynamoFaultProxy } from './support/dynamoFaultProxy';
import { recordFigures } from './support/figures';
import { auditLedger, duplicatedCount, lostCount, NO_PROBLEMS, problemsOf } from './support/ledgerAudit';
import {
  functionArnOf,
  grantsOf,
  invokePrincipalsOf,
  isAllowed,
  PACKAGED_TARGET_ACCOUNT,
  packagedTemplate,
  rolesOf,
} from './support/packagedTemplate';
import { planOf } from './support/plans';
import { newLambdaClient, sleep, Traffic } from './support/traffic';

const ROLE_NAME = 'DRSOrchestrationRole';
const WORKLOAD_ACCOUNT = PACKAGED_TARGET_ACCOUNT;
const EXTERNAL_ID = 'drill-7f3a-external';
const HOME = planOf('rp-sec-home', 3, 2, { pauseBefore: [2, 3], tag: 'sech' });
const CROSS = {
  ...planOf('rp-sec-cross', 2, 2, { pauseBefore: [2], tag: 'secx' }),
  target: { accountId: WORKLOAD_ACCOUNT, region: 'us-east-1', externalId: EXTERNAL_ID },
};
const FAILING = planOf('rp-sec-fails', 1, 2, { tag: 'secf' });
const STATE_MACHINE_NAME = 'drs-ledger-dev-drill';
const INTERNAL_FUNCTION = 'ExecutionDashinternalLambdaFunction';
const TABLE_IDS: Record<string, string> = {
  events: 'EventsTable',
  executions: 'ExecutionsTable',
  plans: 'PlansTable',
  resumeTokens: 'ResumeTokensTable',
};

describe('secrets and privileges across whole drills', () => {
  let stack: LocalStack;
  let sts: StsEmulator;
  let proxy: DynamoFaultProxy;
  let traffic: Traffic;
  let seen: ReturnType<typeof tapFunction>;
  let output: ReturnType<typeof captureOutput>;
  /** DynamoDB calls of the drills only (not this test's own reads afterwards). */
  let drillCalls: string[];
  const executions: string[] = [];
  const started = Date.now();
  const previousSts = process.env.STS_ENDPOINT;

  const drill = async (planId: string, accountContext?: Record<string, string>): Promise<string> => {
    const start = await traffic.call({
      operation: 'start_execution',
      planId,
      executionType: 'DRILL',
      initiatedBy: 'security@example.com',
      ...(accountContext ? { accountContext } : {}),
    });
    expect(start?.statusCode).toBe(200);
    const executionId = String(start?.executionId);
    executions.push(executionId);
    for (let serial = 0; ; serial += 1) {
      const details = await waitForDetails(traffic, executionId, (current) => isEnded(current) || current.status === 'PAUSED');
      if (isEnded(details)) return executionId;
      // Let the state machine park on its token first, so resume redeems it.
      await sleep(300);
      await traffic.call({ operation: 'resume', executionId, planId, requestedBy: `operator-${serial}@example.com` });
    }
  };

  beforeAll(async () => {
    sts = await startStsEmulator();
    sts.trustRole({ roleArn: `arn:aws:iam::${WORKLOAD_ACCOUNT}:role/${ROLE_NAME}`, externalId: EXTERNAL_ID });
    process.env.STS_ENDPOINT = sts.endpoint;
    stack = await startTestStack({
      speed: 60,
      logLevel: 'DEBUG',
      routeDynamoDb: async (dynalite) => {
        proxy = await startDynamoFaultProxy(dynalite);
        return proxy.endpoint;
      },
    });
    await stack.loadPlans([HOME, CROSS, FAILING]);
    traffic = new Traffic(newLambdaClient(stack.endpoints.lambda));
    seen = tapFunction(stack);
    tapFunction(stack, INTERNAL_FUNCTION_NAME, seen);
    proxy.resetStats();
    stack.drs.stats.reset();
    output = captureOutput();
    await drill(HOME.planId);
    // Naming the plan's own target, as the contract's example does; the ExternalId stays in the plan store.
    await drill(CROSS.planId, { accountId: WORKLOAD_ACCOUNT, region: 'us-east-1', roleName: ROLE_NAME });
    stack.drs.faults.apply({ failServers: [{ sourceServerID: FAILING.waves[0]!.sourceServerIds[0]! }] });
    await drill(FAILING.planId);
    await sleep(500);
    await stack.lambda.drain();
    output.stop();
    drillCalls = Object.keys(proxy.stats().byOperation);
  });
  afterAll(async () => {
    output?.stop();
    await stack?.close();
    await proxy?.close();
    await sts?.close();
    if (previousSts === undefined) delete process.env.STS_ENDPOINT;
    else process.env.STS_ENDPOINT = previousSts;
  });

  it('puts no task token and no credential in a log line, a response, a table or a notification', async () => {
    const tokens = [...seen.tokens];
    const secrets = sts.issued().flatMap((credentials) => [credentials.secretAccessKey, credentials.sessionToken]);
    expect(tokens.length).toBeGreaterThanOrEqual(3);
    expect(secrets.length).toBeGreaterThanOrEqual(2);

    const scan = async (table: string) =>
      ((await stack.dynamoClient.send(new ScanCommand({ TableName: table }))).Items ?? []).map((item) => JSON.stringify(item)).join('\n');
    const ledgerAndViews = `${await scan(stack.config.tables.events)}\n${await scan(stack.config.tables.executions)}`;
    const plans = await scan(stack.config.tables.plans);
    const notifications = stack.outboxPath && existsSync(stack.outboxPath) ? readFileSync(stack.outboxPath, 'utf8') : '';
    const haystacks = { logs: output.lines.join(''), responses: seen.responses.join('\n'), ledgerAndViews, notifications };
    const needles = [
      ...tokens.map((token) => ['task token', token]),
      ...secrets.map((secret) => ['credential', secret]),
      // The plan's ExternalId lives in the plan store alone.
      ['ExternalId', EXTERNAL_ID],
    ];
    const leaks = [
      ...Object.entries(haystacks).flatMap(([where, text]) =>
        needles.filter(([, needle]) => text.includes(needle as string)).map(([what]) => `${what} in ${where}`),
      ),
      ...needles.filter(([what, needle]) => what !== 'ExternalId' && plans.includes(needle as string)).map(([what]) => `${what} in plans`),
    ];
    expect(plans).toContain(EXTERNAL_ID);

    expect(output.lines.filter((line) => line.startsWith('{"level":')).length).toBeGreaterThan(20);
    expect(seen.responses.length).toBeGreaterThan(20);
    expect(leaks).toEqual([]);
  });

  it('makes only calls its roles are granted, on the resources they are granted for', async () => {
    const template = packagedTemplate();
    const handler = grantsOf(template, 'ExecutionHandlerRole');
    // The local stack's internal function (wait_for_resume, attach_state_machine) and digest writer use the same
    // DynamoDB client as execution-handler and the projector: each call must be granted to one of them.
    const both = [
      ...handler,
      ...grantsOf(template, 'ExecutionInternalRole'),
      ...grantsOf(template, 'ProjectorRole'),
      ...grantsOf(template, 'DigestWriterRole'),
    ];
    const tableId = Object.fromEntries(Object.entries(stack.config.tables).map(([key, name]) => [name, TABLE_IDS[key]]));

    const dynamo = drillCalls.map((key) => {
      const [operation, target = ''] = key.split(' ');
      const [table = '', index] = target.split('/index/');
      const resource = `\${${tableId[table]}.Arn}${index ? `/index/${index}` : ''}`;
      return { call: `dynamodb:${operation} ${resource}`, granted: isAllowed(both, `dynamodb:${operation}`, resource) };
    });
    // DRS calls signed with the home credentials (cross-account ones are the workload role's business).
    const jobArn = 'arn:aws:drs:us-east-1:000000000000:job/drsjob-00000000000000001';
    // Preflight reads each server's launch configuration and snapshots: calls on source-server resources.
    const serverArn = 'arn:aws:drs:us-east-1:000000000000:source-server/s-00000000000000001';
    const drsHome = Object.keys(stack.drs.stats.snapshot().callers.local ?? {}).map((operation) => ({
      call: `drs:${operation}`,
      granted: ['*', jobArn, serverArn].some((resource) => isAllowed(handler, `drs:${operation}`, resource)),
    }));
    const others = [
      {
        call: 'sns:Publish',
        granted:
          stack.sns.stats().published > 0 &&
          handler.some((grant) => grant.actions.includes('sns:Publish') && grant.resources.includes('${NotificationTopic}')),
      },
      ...sts.assumeRoleRequests().map((request) => ({
        call: `sts:AssumeRole ${request.roleArn}`,
        granted: isAllowed(handler, 'sts:AssumeRole', String(request.roleArn)),
      })),
    ];
    const calls = [...dynamo, ...drsHome, ...others];
    const audit = await auditLedger(stack.deps, stack.dynamoClient, { expected: executions, drsJobs: stack.drs.jobs() });
    recordFigures({
      scenario: 'Security: secrets and grants',
      operations: traffic.operations,
      faultsInjected: 1,
      eventsChecked: audit.events,
      lost: lostCount(audit),
      duplicated: duplicatedCount(audit),
      chainsValid: audit.executions - audit.brokenChains.length,
      chainsChecked: audit.executions,
      seconds: (Date.now() - started) / 1000,
      note: `${seen.tokens.size} task tokens, ${sts.issued().length} credential sets, ${output.lines.length} log lines, ${seen.responses.length} responses searched; ${calls.length} distinct calls checked against the template`,
    });
    expect(calls.filter((call) => !call.granted).map((call) => call.call)).toEqual([]);
    expect(drsHome.map((call) => call.call)).toContain('drs:DescribeJobLogItems');
    expect(problemsOf(audit)).toEqual(NO_PROBLEMS);
  });

  it('is deployed with every table encrypted at rest, an append-only ledger, and AssumeRole only on the configured role in the target accounts', () => {
    const template = packagedTemplate();
    const tables = Object.values(template.Resources).filter((resource) => resource.Type === 'AWS::DynamoDB::Table');
    expect(tables.map((table) => table.Properties.SSESpecification)).toEqual(Object.keys(TABLE_IDS).map(() => ({ SSEEnabled: true })));
    const roles = rolesOf(template);
    expect(roles.length).toBeGreaterThanOrEqual(6);
    const grants = roles.flatMap((role) => grantsOf(template, role));
    expect(grants.flatMap((grant) => grant.actions).filter((action) => action.includes('*'))).toEqual([]);
    expect(['dynamodb:UpdateItem', 'dynamodb:DeleteItem'].filter((action) => isAllowed(grants, action, '${EventsTable.Arn}'))).toEqual([]);
    // The roles that start waves (execution-handler's poll, the operator API's start and resume), each by one statement.
    const assume = grants.filter((grant) => grant.actions.includes('sts:AssumeRole'));
    expect(assume.map((grant) => [grant.role, grant.resources, grant.resourceAccounts])).toEqual(
      ['ExecutionHandlerRole', 'OperatorApiRole'].map((role) => [
        role,
        [`arn:\${AWS::Partition}:iam::*:role/${ROLE_NAME}`],
        [PACKAGED_TARGET_ACCOUNT],
      ]),
    );
    expect(isAllowed(grants, 'sts:AssumeRole', `arn:aws:iam::${WORKLOAD_ACCOUNT}:role/${ROLE_NAME}`)).toBe(true);
    // The attack of issue 13: any other account's role of that name, were a plan pointed there.
    expect(isAllowed(grants, 'sts:AssumeRole', `arn:aws:iam::999999999999:role/${ROLE_NAME}`)).toBe(false);
  });

  describe('is deployed with the internal operations sealed (issue 13)', () => {
    const machine = (name = STATE_MACHINE_NAME, region = 'us-east-1') => `arn:aws:states:${region}:123456789012:stateMachine:${name}`;
    const execution = (name = STATE_MACHINE_NAME) => `arn:aws:states:us-east-1:123456789012:execution:${name}:exec-1`;
    const allowedTo = (action: string, resource: string) => {
      const template = packagedTemplate();
      return rolesOf(template).filter((role) => isAllowed(grantsOf(template, role), action, resource));
    };

    it('only the state machine’s role may invoke the internal function: by its identity grant and by the function’s resource policy', () => {
      const template = packagedTemplate();
      const internal = [`\${${INTERNAL_FUNCTION}.Arn}`, functionArnOf(template, INTERNAL_FUNCTION)];
      const invokers = rolesOf(template).filter((role) =>
        internal.some((arn) => isAllowed(grantsOf(template, role), 'lambda:InvokeFunction', arn)),
      );
      expect(invokers).toEqual(['DrillStateMachineRole']);
      expect(invokePrincipalsOf(template, INTERNAL_FUNCTION)).toEqual(['${DrillStateMachineRole.Arn}']);
      // The steps that hand it a task token or a run's ARN call it.
      const substitutions = template.Resources.DrillStateMachine?.Properties.DefinitionSubstitutions as Record<string, unknown>;
      expect(substitutions.ExecutionInternalArn).toEqual({ 'Fn::GetAtt': [INTERNAL_FUNCTION, 'Arn'] });
      const states = (
        template.Resources.DrillStateMachine?.Properties.Definition as {
          States: Record<string, { Parameters?: { FunctionName?: string } }>;
        }
      ).States;
      expect(states.WaitForResume?.Parameters?.FunctionName).toBe('${ExecutionInternalArn}');
      expect(states.AttachThisRun?.Parameters?.FunctionName).toBe('${ExecutionInternalArn}');
    });

    it('only the internal function’s role may store a task token (execution-handler and the operator API only redeem them)', () => {
      expect(allowedTo('dynamodb:PutItem', '${ResumeTokensTable.Arn}')).toEqual(['ExecutionInternalRole']);
      expect(allowedTo('dynamodb:GetItem', '${ResumeTokensTable.Arn}').sort()).toEqual([
        'ExecutionHandlerRole',
        'ExecutionInternalRole',
        'OperatorApiRole',
      ]);
    });

    it("answers task tokens (SendTaskSuccess, SendTaskFailure) for the drill state machine and its executions only, never on '*'", () => {
      const template = packagedTemplate();
      for (const action of ['states:SendTaskSuccess', 'states:SendTaskFailure']) {
        const onWildcard = rolesOf(template).flatMap((role) =>
          grantsOf(template, role).filter((grant) => grant.actions.includes(action) && grant.resources.includes('*')),
        );
        expect({ action, onWildcard }).toEqual({ action, onWildcard: [] });
        expect(allowedTo(action, machine()).sort()).toEqual(['ExecutionHandlerRole', 'ExecutionInternalRole', 'OperatorApiRole']);
        expect(allowedTo(action, execution()).sort()).toEqual(['ExecutionHandlerRole', 'ExecutionInternalRole', 'OperatorApiRole']);
        // A token of another state machine in the account: a confused deputy, refused.
        for (const other of [machine('payments-approval'), execution('payments-approval'), machine(`${STATE_MACHINE_NAME}-copy`)]) {
          expect({ action, other, roles: allowedTo(action, other) }).toEqual({ action, other, roles: [] });
        }
      }
      expect(allowedTo('states:StopExecution', execution('payments-approval'))).toEqual([]);
      expect(allowedTo('states:StopExecution', execution()).length).toBeGreaterThan(0);
    });

    it('lets operators in through IAM-authorized routes only, a recovery on a route of its own', () => {
      const template = packagedTemplate();
      const routes = Object.values(template.Resources)
        .filter((resource) => resource.Type === 'AWS::ApiGatewayV2::Route')
        .map((route) => route.Properties as { RouteKey: string; AuthorizationType?: string });
      // Plans (list, preflight), executions (list, read), drill and recovery, and pause, resume, approve, decline,
      // cancel, retry and skip of an execution.
      expect(routes.length).toBe(13);
      expect(routes.filter((route) => route.AuthorizationType !== 'AWS_IAM').map((route) => route.RouteKey)).toEqual([]);
      expect(routes.map((route) => route.RouteKey)).toEqual(
        expect.arrayContaining(['POST /plans/{planId}/drills', 'POST /plans/{planId}/recoveries']),
      );
    });
  });
});
