/**
 * Faults of the other services, injected by their emulators on the wire, each during a drill:
 * DRS throttling (with retryAfterSeconds), 500s and ConflictException; a state machine whose task token
 * expired and a token Step Functions does not know; an SNS publish that fails; a Lambda async invoke that
 * fails. Each operation completes after retries or answers clearly, and each drill continues and ends.
 */
import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { SFNClient, StopExecutionCommand } from '@aws-sdk/client-sfn';
import type { ExecutionEvent } from '../../src/domain/execution';
import type { LocalStack } from '../../src/local/stack';
import type { OperationResponse } from '../../src/operations/responses';
import { startTestStack } from '../support/localStack';
import { eventually, isEnded, waitForDetails } from './support/drive';
import { recordFigures } from './support/figures';
import { auditLedger, duplicatedCount, lostCount, NO_PROBLEMS, problemsOf } from './support/ledgerAudit';
import { planOf } from './support/plans';
import { newLambdaClient, sleep, Traffic } from './support/traffic';

const DRS_PLAN = planOf('rp-drs-faults', 3, 2, { pauseBefore: [2], tag: 'drsf' });
const EXPIRED_PLAN = planOf('rp-token-expired', 2, 2, { pauseBefore: [2], tag: 'tokx' });
const FORGED_PLAN = planOf('rp-token-forged', 2, 2, { pauseBefore: [2], tag: 'tokf' });
const SNS_PLAN = planOf('rp-sns-fails', 1, 2, { tag: 'snsf' });

describe('DRS, Step Functions, SNS and Lambda faults at the wire', () => {
  let stack: LocalStack;
  let traffic: Traffic;
  let sfn: SFNClient;
  const injected = { drs: 0, sfn: 0, sns: 0, lambda: 0 };
  const executions: string[] = [];
  const started = Date.now();

  const start = async (planId: string): Promise<string> => {
    const response = await traffic.call({ operation: 'start_execution', planId, executionType: 'DRILL', initiatedBy: 'reliability' });
    expect(response?.statusCode).toBe(200);
    executions.push(String(response?.executionId));
    return String(response?.executionId);
  };
  const events = async (executionId: string): Promise<ExecutionEvent[]> =>
    (await stack.deps.store.read(executionId)).map((stored) => stored.event);
  const resume = (executionId: string, planId: string) =>
    traffic.call({ operation: 'resume', executionId, planId, requestedBy: `operator-${Date.now()}` }) as Promise<OperationResponse>;
  /** Parked on its task token: the state machine waits and the token is kept for resume. */
  const parked = async (executionId: string): Promise<boolean> => {
    const item = await stack.dynamoClient.send(
      new GetItemCommand({ TableName: stack.config.tables.resumeTokens, Key: { executionId: { S: executionId } }, ConsistentRead: true }),
    );
    return item.Item !== undefined && stack.sfn.waitingTasks() > 0;
  };
  /** Drives a detached execution as the scheduled find would, until it ends. */
  const driveByFind = async (executionId: string): Promise<OperationResponse> => {
    const deadline = Date.now() + 30_000;
    for (;;) {
      await traffic.call({ operation: 'find' });
      await stack.lambda.drain();
      const details = await waitForDetails(traffic, executionId, () => true);
      if (isEnded(details) || Date.now() > deadline) return details;
      await sleep(100);
    }
  };

  beforeAll(async () => {
    stack = await startTestStack({ speed: 40 });
    await stack.loadPlans([DRS_PLAN, EXPIRED_PLAN, FORGED_PLAN, SNS_PLAN]);
    traffic = new Traffic(newLambdaClient(stack.endpoints.lambda));
    sfn = new SFNClient({
      endpoint: stack.endpoints.sfn,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
  });
  afterAll(async () => {
    sfn.destroy();
    await stack.close();
  });

  it('DRS 500s and ConflictException on StartRecovery: the wave start is retried and each wave gets one job', async () => {
    stack.drs.faults.apply({ internalError: { count: 8, operations: ['StartRecovery'] } });
    injected.drs += 8;
    const executionId = await start(DRS_PLAN.planId);
    await waitForDetails(traffic, executionId, (details) => details.status === 'PAUSED');

    stack.drs.faults.apply({ conflict: { count: 2, operations: ['StartRecovery'] } });
    injected.drs += 2;
    expect(await resume(executionId, DRS_PLAN.planId)).toMatchObject({ statusCode: 200, status: 'RUNNING' });
    await waitForDetails(
      traffic,
      executionId,
      (details) => (details.waveStatuses as Array<{ status: string }>)[1]?.status === 'IN_PROGRESS',
    );

    // DescribeJobs throttled past the SDK's retries: polls say so, with DRS's retryAfterSeconds, and go on.
    stack.drs.faults.apply({ throttle: { count: 12, retryAfterSeconds: 2, operations: ['DescribeJobs'] } });
    injected.drs += 12;
    let throttled: OperationResponse | undefined;
    for (let i = 0; i < 20 && !throttled; i += 1) {
      const polled = await traffic.call({ operation: 'poll', executionId, planId: DRS_PLAN.planId });
      if (polled?.pollError) throttled = polled;
    }
    expect(throttled).toMatchObject({
      statusCode: 200,
      status: 'RUNNING',
      pollError: { code: 'ThrottlingException', retryAfterSeconds: 2 },
    });
    stack.drs.faults.reset();

    expect(await waitForDetails(traffic, executionId, isEnded)).toMatchObject({ status: 'COMPLETED' });
    const failures = (await events(executionId)).flatMap((event) =>
      event.type === 'WaveStartFailed' ? [`${event.data.waveNumber} ${event.data.error.code}`] : [],
    );
    expect(failures).toEqual(['1 InternalServerException', '1 InternalServerException', '2 ConflictException', '2 ConflictException']);
    for (const wave of [1, 2, 3]) expect(stack.drs.stats.startRecoveryFor(executionId, wave).jobsCreated).toBe(1);
  });

  it('a resume after the task token expired answers DETACHED; find drives the execution on, past a failed async invoke', async () => {
    const executionId = await start(EXPIRED_PLAN.planId);
    await waitForDetails(traffic, executionId, (details) => details.status === 'PAUSED');
    await eventually('the state machine to park on its token', () => parked(executionId));
    const { state } = await stack.deps.store.load(executionId);
    const executionArn = (state as { executionArn?: string }).executionArn as string;
    await sfn.send(new StopExecutionCommand({ executionArn, cause: 'reliability: the token expires' }));
    injected.sfn += 1;

    expect(await resume(executionId, EXPIRED_PLAN.planId)).toMatchObject({
      statusCode: 200,
      status: 'RUNNING',
      stateMachine: 'DETACHED',
      warning: { error: 'TASK_TOKEN_EXPIRED' },
    });

    // find's async invoke of poll fails past the SDK's four attempts: reported, and the next find recovers.
    stack.lambda.service.faults.inject({ kind: 'ServiceException', count: 4, invocationType: 'Event' });
    injected.lambda += 4;
    const failedFind = await traffic.call({ operation: 'find' });
    expect(failedFind).toMatchObject({ statusCode: 200, results: [{ executionId, status: 'POLL_INVOKE_FAILED' }] });
    const nextFind = await traffic.call({ operation: 'find' });
    expect(nextFind).toMatchObject({ statusCode: 200, results: [{ executionId, status: 'POLLING_INITIATED' }] });

    expect(await driveByFind(executionId)).toMatchObject({ status: 'COMPLETED' });
  });

  it('a resume with a kept token the ledger never attached sends nothing, answers DETACHED, and find completes the drill', async () => {
    const executionId = await start(FORGED_PLAN.planId);
    await waitForDetails(traffic, executionId, (details) => details.status === 'PAUSED');
    await eventually('the state machine to park on its token', () => parked(executionId));
    await stack.dynamoClient.send(
      new PutItemCommand({
        TableName: stack.config.tables.resumeTokens,
        Item: { executionId: { S: executionId }, taskToken: { S: 'forged-token-of-no-task' }, expiresAt: { N: '4102444800' } },
      }),
    );
    injected.sfn += 1;
    expect(await resume(executionId, FORGED_PLAN.planId)).toMatchObject({
      statusCode: 200,
      stateMachine: 'DETACHED',
      warning: { error: 'TASK_TOKEN_INVALID' },
    });
    expect(await driveByFind(executionId)).toMatchObject({ status: 'COMPLETED' });
  });

  it('an SNS publish that fails is recorded as NotificationFailed; the execution still completes', async () => {
    stack.sns.faults.apply({ failPublishes: { count: 3 } });
    injected.sns += 3;
    const executionId = await start(SNS_PLAN.planId);
    expect(await waitForDetails(traffic, executionId, isEnded)).toMatchObject({ status: 'COMPLETED' });
    await eventually('the notification outcome to be recorded', async () =>
      (await events(executionId)).some((event) => event.type === 'NotificationFailed' || event.type === 'NotificationSent'),
    );
    const recorded = (await events(executionId)).filter((event) => event.type.startsWith('Notification')).map((event) => event.type);
    expect(recorded).toEqual(['NotificationFailed']);
  });

  it('leaves the ledger whole', async () => {
    await stack.lambda.drain();
    const audit = await auditLedger(stack.deps, stack.dynamoClient, { expected: executions, drsJobs: stack.drs.jobs() });
    recordFigures({
      scenario: 'Faults: DRS, Step Functions, SNS, Lambda',
      operations: traffic.operations,
      faultsInjected: injected.drs + injected.sfn + injected.sns + injected.lambda,
      eventsChecked: audit.events,
      lost: lostCount(audit),
      duplicated: duplicatedCount(audit),
      chainsValid: audit.executions - audit.brokenChains.length,
      chainsChecked: audit.executions,
      seconds: (Date.now() - started) / 1000,
      note: `injected ${JSON.stringify(injected)}; ${JSON.stringify(audit.byStatus)}; answers ${JSON.stringify(traffic.outcomes)}`,
    });
    expect(traffic.unclear).toEqual([]);
    expect(problemsOf(audit)).toEqual(NO_PROBLEMS);
  });
});
