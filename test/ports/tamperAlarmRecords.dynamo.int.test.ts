/**
 * Tamper alarms in DynamoDB live in the execution-views table, beside the views: the port's contract, and
 * that nothing reading views (get_execution_details, the projector, rebuild, check) ever sees them.
 */
import { DynamoExecutionEventStore } from '../../src/adapters/dynamodb/eventStore';
import { DynamoExecutionViewStore } from '../../src/adapters/dynamodb/executionViewStore';
import { DynamoTamperAlarmRecords } from '../../src/adapters/dynamodb/tamperAlarmRecords';
import { checkDrift } from '../../src/audit/checkDrift';
import { replayView } from '../../projections/projectExecutionView';
import { type DynamoTestContext, startTestDynamo, stopTestDynamo } from '../support/dynamo';
import { wave1CompletedHistory } from '../fixtures/events';
import { alarm, describeTamperAlarmRecordsContract } from './tamperAlarmRecords.contract';

describeTamperAlarmRecordsContract('DynamoDB (dynalite)', async () => {
  const context = await startTestDynamo();
  return {
    records: new DynamoTamperAlarmRecords(context.client, context.config.tables.executions),
    cleanup: () => stopTestDynamo(context),
  };
});

describe('tamper alarms beside the views in the execution-views table', () => {
  let context: DynamoTestContext;
  let views: DynamoExecutionViewStore;
  let records: DynamoTamperAlarmRecords;

  beforeAll(async () => {
    context = await startTestDynamo();
    views = new DynamoExecutionViewStore(context.client, context.config.tables.executions);
    records = new DynamoTamperAlarmRecords(context.client, context.config.tables.executions);
  });
  afterAll(() => stopTestDynamo(context));

  it('a view with alarms beside it reads as the same view; the alarms read as alarms', async () => {
    const view = replayView(wave1CompletedHistory);
    if (!view) throw new Error('no view');
    expect(await views.put(view, undefined)).toBe(true);
    await records.record(alarm({ executionId: view.executionId, id: 'stream:1' }), '2026-03-01T10:00:01.000Z');
    await records.record(alarm({ executionId: view.executionId, id: 'stream:2', kind: 'LedgerItemRemoved' }), '2026-03-01T10:00:01.000Z');

    const read = await views.read(view.executionId);
    expect(read?.view).toEqual(view);
    expect(read?.seq).toBe(view.seq);
    // The writer's next put over what it read still commits: the alarms are no part of the view's version.
    expect(await views.put({ ...view }, read)).toBe(true);
    expect((await records.list(view.executionId)).map((listed) => listed.id)).toEqual(['stream:1', 'stream:2']);
  });

  it('an execution with alarms and no view (every ledger item deleted) has no view, and check lists no orphan for it', async () => {
    await records.record(alarm({ executionId: 'exec-gone', id: 'stream:9', kind: 'LedgerItemRemoved' }), '2026-03-01T10:00:01.000Z');
    expect(await views.read('exec-gone')).toBeUndefined();
    const listed = await views.listAll(100);
    expect(listed.executionIds).not.toContain('exec-gone');
    const ledger = new DynamoExecutionEventStore(context.client, context.config.tables.events);
    const report = await checkDrift({ ledger, views });
    expect(report.drifted.map((drift) => drift.executionId)).not.toContain('exec-gone');
  });
});
