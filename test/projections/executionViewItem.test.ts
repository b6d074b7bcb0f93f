import { replayView } from '../../projections/projectExecutionView';
import type { ExecutionView } from '../../projections/executionView';
import { fromViewItem, putViewInput, toViewItem } from '../../src/adapters/dynamodb/executionViewItem';
import { decodePageToken, encodePageToken, isInvalidNextToken } from '../../src/adapters/dynamodb/pageToken';
import { History, twoWavePlan } from './support/histories';

const view = replayView(new History('exec-1', twoWavePlan()).start(0).waveStarted(1, 60).events) as ExecutionView;

describe('execution view items', () => {
  it('a first write requires that no view exists', () => {
    expect(putViewInput('views', view, undefined)).toStrictEqual({
      TableName: 'views',
      Item: toViewItem(view),
      ConditionExpression: 'attribute_not_exists(#executionId)',
      ExpressionAttributeNames: { '#executionId': 'executionId' },
    });
  });

  it('a later write requires the seq the writer read', () => {
    expect(putViewInput('views', view, 3)).toStrictEqual({
      TableName: 'views',
      Item: toViewItem(view),
      ConditionExpression: '#seq = :expected',
      ExpressionAttributeNames: { '#seq': 'seq' },
      ExpressionAttributeValues: { ':expected': { N: '3' } },
    });
  });

  it('only a RUNNING view carries the index attribute, and reading drops it', () => {
    expect(toViewItem(view).runningStatus).toEqual({ S: 'RUNNING' });
    expect(toViewItem({ ...view, status: 'PAUSED' }).runningStatus).toBeUndefined();
    expect(fromViewItem(toViewItem(view))).toStrictEqual(view);
  });

  it('leaves absent fields out rather than storing nulls', () => {
    const item = toViewItem({ ...view, failureReason: undefined } as unknown as ExecutionView);
    expect(item).not.toHaveProperty('failureReason');
    expect(Object.values(item).some((value) => 'NULL' in value)).toBe(false);
  });

  it('page tokens round-trip and are checked', () => {
    const key = { runningStatus: { S: 'RUNNING' }, executionId: { S: 'exec-1' } };
    expect(decodePageToken(encodePageToken(key), ['runningStatus', 'executionId'], { runningStatus: 'RUNNING' })).toEqual(key);
    let thrown: unknown;
    try {
      decodePageToken(encodePageToken(key), ['executionId']);
    } catch (error) {
      thrown = error;
    }
    expect(isInvalidNextToken(thrown)).toBe(true);
  });
});
