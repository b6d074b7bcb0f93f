import type { RecordedTamperAlarm } from '../../ports/tamperAlarmLog';
import type { TamperKind } from '../../ports/tamperAlarms';
import { VIEW_ATTRIBUTES } from './executionViewItem';
import type { Item } from './marshalEvent';

/**
 * Tamper alarms live in the execution-views table, in a partition of their own per execution
 * (`ALARM#<executionId>`), one item per alarm keyed `ALARM#<alarm id>`. A view read (one execution's
 * partition) never sees them, nor do rebuild and check (they list HEADER items only), and IAM can let a role
 * write alarms and nothing else (`dynamodb:LeadingKeys` like `ALARM#*`). Unlike a view, they cannot be
 * refolded from the ledger.
 */
export const ALARM_ITEM_PREFIX = 'ALARM#';
export const alarmItemKey = (alarmId: string): string => `${ALARM_ITEM_PREFIX}${alarmId}`;
/** The partition key of an execution's alarms. */
export const alarmPartition = (executionId: string): string => `${ALARM_ITEM_PREFIX}${executionId}`;

export const ALARM_ATTRIBUTES = {
  alarmId: 'alarmId',
  kind: 'kind',
  seq: 'seq',
  source: 'source',
  detectedAt: 'detectedAt',
  detail: 'detail',
  recordedAt: 'recordedAt',
  notifiedAt: 'notifiedAt',
  messageId: 'messageId',
} as const;

/** An alarm item that is not one we wrote: the log was written by someone else. */
export class MalformedAlarmItemError extends Error {
  constructor(executionId: string, key: string, reason: string) {
    super(`Execution ${executionId}: the tamper alarm item ${JSON.stringify(key.slice(0, 300))} cannot be read: ${reason}`);
    this.name = 'MalformedAlarmItemError';
  }
}

export const toAlarmItem = (alarm: RecordedTamperAlarm): Item => ({
  [VIEW_ATTRIBUTES.executionId]: { S: alarmPartition(alarm.executionId) },
  [VIEW_ATTRIBUTES.item]: { S: alarmItemKey(alarm.id) },
  [ALARM_ATTRIBUTES.alarmId]: { S: alarm.id },
  [ALARM_ATTRIBUTES.kind]: { S: alarm.kind },
  ...(alarm.seq === undefined ? {} : { [ALARM_ATTRIBUTES.seq]: { N: String(alarm.seq) } }),
  [ALARM_ATTRIBUTES.source]: { S: alarm.source },
  [ALARM_ATTRIBUTES.detectedAt]: { S: alarm.detectedAt },
  // An empty string is a valid DynamoDB value for a non-key attribute.
  [ALARM_ATTRIBUTES.detail]: { S: alarm.detail },
  [ALARM_ATTRIBUTES.recordedAt]: { S: alarm.recordedAt },
  ...(alarm.notified
    ? { [ALARM_ATTRIBUTES.notifiedAt]: { S: alarm.notified.at }, [ALARM_ATTRIBUTES.messageId]: { S: alarm.notified.messageId } }
    : {}),
});

const KINDS: ReadonlySet<string> = new Set<TamperKind>(['LedgerItemModified', 'LedgerItemRemoved', 'SnapshotMismatch', 'LedgerBroken']);

export const fromAlarmItem = (item: Item): RecordedTamperAlarm => {
  const partition = item[VIEW_ATTRIBUTES.executionId]?.S ?? '';
  const executionId = partition.startsWith(ALARM_ITEM_PREFIX) ? partition.slice(ALARM_ITEM_PREFIX.length) : partition;
  const key = item[VIEW_ATTRIBUTES.item]?.S ?? '';
  const text = (name: string): string => {
    const value = item[name]?.S;
    if (value === undefined) throw new MalformedAlarmItemError(executionId, key, `${name} is missing or not a string`);
    return value;
  };
  const id = text(ALARM_ATTRIBUTES.alarmId);
  if (key !== alarmItemKey(id)) throw new MalformedAlarmItemError(executionId, key, 'its key does not name its alarm id');
  const kind = text(ALARM_ATTRIBUTES.kind);
  if (!KINDS.has(kind)) throw new MalformedAlarmItemError(executionId, key, 'unknown kind');
  const source = text(ALARM_ATTRIBUTES.source);
  if (source !== 'stream' && source !== 'load' && source !== 'digest')
    throw new MalformedAlarmItemError(executionId, key, 'unknown source');
  const seqText = item[ALARM_ATTRIBUTES.seq]?.N;
  const seq = seqText === undefined ? undefined : Number(seqText);
  if (seq !== undefined && !Number.isSafeInteger(seq)) throw new MalformedAlarmItemError(executionId, key, 'seq is not a whole number');
  const notifiedAt = item[ALARM_ATTRIBUTES.notifiedAt]?.S;
  const messageId = item[ALARM_ATTRIBUTES.messageId]?.S;
  return {
    id,
    kind: kind as TamperKind,
    executionId,
    ...(seq === undefined ? {} : { seq }),
    source,
    detectedAt: text(ALARM_ATTRIBUTES.detectedAt),
    detail: text(ALARM_ATTRIBUTES.detail),
    recordedAt: text(ALARM_ATTRIBUTES.recordedAt),
    ...(notifiedAt !== undefined && messageId !== undefined ? { notified: { at: notifiedAt, messageId } } : {}),
  };
};
