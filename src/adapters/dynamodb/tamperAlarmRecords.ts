import { type DynamoDBClient, PutItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { byDetection, type RecordedTamperAlarm, type RecordOutcome, type TamperAlarmRecords } from '../../ports/tamperAlarmLog';
import type { TamperAlarm } from '../../ports/tamperAlarms';
import { isConditionalCheckFailed } from './errors';
import { VIEW_ATTRIBUTES } from './executionViewItem';
import type { Item } from './marshalEvent';
import { ALARM_ATTRIBUTES, ALARM_ITEM_PREFIX, alarmItemKey, alarmPartition, fromAlarmItem, toAlarmItem } from './tamperAlarmItem';

const NAMES = { '#executionId': VIEW_ATTRIBUTES.executionId, '#item': VIEW_ATTRIBUTES.item };

/**
 * Tamper alarms in the execution-views table (see tamperAlarmItem.ts), with the requests the projector's
 * role already has there: conditional PutItem and Query.
 */
export class DynamoTamperAlarmRecords implements TamperAlarmRecords {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  async record(alarm: TamperAlarm, recordedAt: string): Promise<RecordOutcome> {
    const stored: RecordedTamperAlarm = { ...alarm, recordedAt };
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: toAlarmItem(stored),
          ConditionExpression: 'attribute_not_exists(#item)',
          ExpressionAttributeNames: { '#item': VIEW_ATTRIBUTES.item },
        }),
      );
      return { created: true, stored };
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
    }
    const existing = await this.read(alarm.executionId, alarm.id);
    // Refused as present, then not found: only a delete in between does that; the caller retries.
    if (!existing) throw new Error(`Tamper alarm ${alarm.id} of ${alarm.executionId} was refused as recorded but cannot be read back`);
    return { created: false, stored: existing };
  }

  async markNotified(alarm: RecordedTamperAlarm, notified: { at: string; messageId: string }): Promise<void> {
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: toAlarmItem({ ...alarm, notified }),
          ConditionExpression: 'attribute_exists(#item) AND attribute_not_exists(#notifiedAt)',
          ExpressionAttributeNames: { '#item': VIEW_ATTRIBUTES.item, '#notifiedAt': ALARM_ATTRIBUTES.notifiedAt },
        }),
      );
    } catch (error) {
      // Marked already (the first mark stays), or not recorded at all: nothing to do either way.
      if (!isConditionalCheckFailed(error)) throw error;
    }
  }

  async list(executionId: string): Promise<RecordedTamperAlarm[]> {
    const items = await this.query(executionId, 'begins_with(#item, :prefix)', { ':prefix': { S: ALARM_ITEM_PREFIX } });
    return items.map(fromAlarmItem).sort(byDetection);
  }

  private async read(executionId: string, alarmId: string): Promise<RecordedTamperAlarm | undefined> {
    const [item] = await this.query(executionId, '#item = :key', { ':key': { S: alarmItemKey(alarmId) } });
    return item && fromAlarmItem(item);
  }

  /** Strongly consistent, every page: a log is short, but an execution deleted item by item leaves one alarm per item. */
  private async query(executionId: string, itemCondition: string, values: Item): Promise<Item[]> {
    const items: Item[] = [];
    let startKey: Item | undefined;
    do {
      const output = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: `#executionId = :executionId AND ${itemCondition}`,
          ExpressionAttributeNames: NAMES,
          ExpressionAttributeValues: { ':executionId': { S: alarmPartition(executionId) }, ...values },
          ConsistentRead: true,
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      );
      items.push(...(output.Items ?? []));
      startKey = output.LastEvaluatedKey;
    } while (startKey);
    return items;
  }
}
