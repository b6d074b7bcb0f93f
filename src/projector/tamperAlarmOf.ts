import { createHash } from 'node:crypto';
import { subjectSafeText } from '../domain/notification';
import { boundText } from '../domain/text';
import type { LedgerItemChange } from '../ports/ledgerStream';
import { TAMPER_ALARM_ID_PATTERN } from '../ports/tamperAlarmLog';
import type { TamperAlarm } from '../ports/tamperAlarms';

/** What an alarm's detail may weigh: it goes into inboxes, reports and a DynamoDB item. */
export const MAX_TAMPER_DETAIL_BYTES = 512;
/** Attribute names listed in a detail; the rest are counted. */
const MAX_NAMES_LISTED = 12;
/** What the ledger's own attributes look like: any other name (whoever wrote it) is counted, never shown. */
const SHOWN_NAME = /^[A-Za-z0-9_.-]{1,64}$/;
const SHOWN_TYPE = /^[A-Za-z][A-Za-z0-9]{0,63}$/;
/** The execution an alarm is recorded under when the record's keys cannot be read (AWS always sends them). */
export const UNREADABLE_EXECUTION = 'unreadable-key';

/**
 * The alarm's id: the same on every delivery of the record (its eventID), so a redelivery raises nothing new.
 * An eventID that is not a safe id (AWS's are 32 hex digits) is hashed, never shown.
 */
const alarmIdOf = (change: LedgerItemChange): string => {
  const id = `stream:${change.eventId}`;
  return TAMPER_ALARM_ID_PATTERN.test(id) ? id : `stream:sha256-${createHash('sha256').update(change.eventId).digest('hex')}`;
};

const namesText = (names: readonly string[]): string => {
  const shown = names.filter((name) => SHOWN_NAME.test(name));
  const listed = shown.slice(0, MAX_NAMES_LISTED);
  const more = shown.length - listed.length;
  const odd = names.length - shown.length;
  return [
    listed.join(', '),
    more > 0 ? `and ${more} more` : '',
    odd > 0 ? `and ${odd} with ${odd === 1 ? 'a name' : 'names'} not shown` : '',
  ]
    .filter(Boolean)
    .join(' ');
};

/** One line saying what happened to which item, from what the record tells; bounded, no control characters. */
export const describeLedgerItemChange = (change: LedgerItemChange): string => {
  const type = change.previousType !== undefined && SHOWN_TYPE.test(change.previousType) ? ` (${change.previousType})` : '';
  const item = change.seq === undefined ? 'A ledger item whose key cannot be read' : `Ledger item seq ${change.seq}${type}`;
  let text: string;
  if (change.change === 'removed') text = `${item} was deleted.`;
  else if (change.changedAttributes === undefined) text = `${item} was overwritten (the stream record carries no old image to compare).`;
  else if (change.changedAttributes.length === 0) text = `${item} was overwritten; no attribute differs between its images.`;
  else text = `${item} was overwritten; attributes changed: ${namesText(change.changedAttributes)}.`;
  return boundText(subjectSafeText(text), MAX_TAMPER_DETAIL_BYTES);
};

/** The tamper alarm a MODIFY or REMOVE record of the events table raises. `now`: when the record says nothing. */
export const tamperAlarmOf = (change: LedgerItemChange, now: string): TamperAlarm => ({
  id: alarmIdOf(change),
  kind: change.change === 'removed' ? 'LedgerItemRemoved' : 'LedgerItemModified',
  executionId: change.executionId ?? UNREADABLE_EXECUTION,
  ...(change.seq === undefined ? {} : { seq: change.seq }),
  source: 'stream',
  detectedAt: change.recordedAt ?? now,
  detail: describeLedgerItemChange(change),
});
