/**
 * After an upgrade that gives the views a new table, a deployed stack's views are rebuilt from its ledger
 * with `drs-ledger rebuild --aws`: the same rebuild as for the local ledger, against the tables the
 * functions are configured with (here dynalite stands in for AWS, reached through DYNAMODB_ENDPOINT).
 */
import { DeleteItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { replayView } from '../../projections/projectExecutionView';
import { completedDrill } from '../audit/support/drills';
import { runCli } from '../support/cli';
import { type DrillWorld, startDrillWorld } from '../support/drillWorld';
import { tempDataDir } from '../support/localStack';

const DEPLOYED_ENV = [
  'DYNAMODB_ENDPOINT',
  'EVENTS_TABLE',
  'EXECUTIONS_TABLE',
  'PLANS_TABLE',
  'RESUME_TOKENS_TABLE',
  'AWS_REGION',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
];

describe('drs-ledger rebuild --aws', () => {
  let world: DrillWorld;
  let executionId: string;
  const saved: Record<string, string | undefined> = {};

  beforeAll(async () => {
    world = await startDrillWorld();
    executionId = await completedDrill(world);
    const { config } = world.harness.dynamo;
    for (const name of DEPLOYED_ENV) saved[name] = process.env[name];
    Object.assign(process.env, {
      DYNAMODB_ENDPOINT: world.harness.dynamo.dynamo.endpoint,
      EVENTS_TABLE: config.tables.events,
      EXECUTIONS_TABLE: config.tables.executions,
      PLANS_TABLE: config.tables.plans,
      RESUME_TOKENS_TABLE: config.tables.resumeTokens,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'deployed',
      AWS_SECRET_ACCESS_KEY: 'deployed',
    });
  });
  afterAll(async () => {
    for (const name of DEPLOYED_ENV) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
    await world.stop();
  });

  it('refolds the views of the deployed tables, which the upgrade left empty, and check then finds none missing', async () => {
    const { client, config } = world.harness.dynamo;
    const items = await client.send(
      new QueryCommand({
        TableName: config.tables.executions,
        KeyConditionExpression: 'executionId = :id',
        ExpressionAttributeValues: { ':id': { S: executionId } },
      }),
    );
    for (const item of items.Items ?? []) {
      await client.send(
        new DeleteItemCommand({
          TableName: config.tables.executions,
          Key: { executionId: { S: executionId }, item: item.item as { S: string } },
        }),
      );
    }
    const dataDir = tempDataDir();
    const before = await runCli('--data-dir', dataDir, 'check', '--aws');
    expect(before.code).toBe(1);
    expect(before.stdout).toContain(`${executionId}: missing`);

    const rebuilt = await runCli('--data-dir', dataDir, 'rebuild', '--aws');
    expect(rebuilt).toMatchObject({ code: 0, stdout: 'Rebuilt: 1 created\n' });
    const events = (await world.harness.deps.store.read(executionId)).map((stored) => stored.event);
    expect(await world.harness.deps.views.get(executionId)).toEqual(replayView(events));
    expect((await runCli('--data-dir', dataDir, 'check', '--aws')).code).toBe(0);
    // The local ledger in the data folder was never involved.
    expect((await runCli('--data-dir', dataDir, 'check')).stdout).toContain('Checked 0 executions');
  });
});
