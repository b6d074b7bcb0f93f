import type { RecordedTamperAlarm } from '../../ports/tamperAlarmLog';
import type { TamperKind } from '../../ports/tamperAlarms';
import { VIEW_ATTRIBUTES } from './executionViewItem';
import type { Item } from './marshalEvent';

/**
 * Tamper alarms live in the execution-views table, under the execution they name: one item per alarm, keyed
 * `ALARM#<alarm id>`. 'A' sorts before 'H', so they sit before the view's HEADER and WAVE# items, and the
 * view store reads only from HEADER on: a view read never pays for them, and neither rebuild nor check sees
 * them (their listings look at HEADER items only). Unlike a view, they cannot be refolded from the ledger.
 */
export const ALARM_ITEM_PREFIX = 'ALARM#';
export const alarmItemKey = (alarmId: string): string => `${ALARM_ITEM_PREFIX}${alarmId}`;

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
  [VIEW_ATTRIBUTES.executionId]: { S: alarm.executionId },
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

const KINDS: ReadonlySet<string> = new Set<TamperKind>(['LedgerItemModified', 'LedgerItemRemoved', 'SnapshotMismatch']);

export const fromAlarmItem = (item: Item): RecordedTamperAlarm => {
  const executionId = item[VIEW_ATTRIBUTES.executionId]?.S ?? '';
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
  if (source !== 'stream' && source !== 'load') throw new MalformedAlarmItemError(executionId, key, 'unknown source');
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
