import { marshall } from '@aws-sdk/util-dynamodb';
import { gzipSync } from 'node:zlib';
import type { Item } from '../../src/adapters/dynamodb/marshalEvent';
import { EXECUTION_START_MARKER } from '../../src/adapters/dynamodb/keys';
import { type ExecutionState, snapshotOf } from '../../src/domain/execution';
import type { StoredEvent } from '../../src/ports/executionEventStore';

/**
 * A ledger item as the store wrote it before format 3 (the toEventItem of commit f59ec98, verbatim): one
 * attribute per envelope field, `data` a map, hashes as hex. A link with a state digest makes a format-2 item
 * (the snapshot only when `withSnapshot`); one without, a format-1 item (always a snapshot). Today's store only
 * reads these: tests build them to show it still does (test/fixtures/format2 holds items that commit stored).
 */
export const legacyEventItem = (stored: StoredEvent, stateAfter: ExecutionState, withSnapshot = true): Item => {
  const { event, prevHash, hash, stateDigest } = stored;
  const snapshot = withSnapshot || stateDigest === undefined;
  return marshall(
    {
      executionId: event.executionId,
      seq: event.seq,
      planId: event.planId,
      type: event.type,
      occurredAt: event.occurredAt,
      actor: event.actor,
      schemaVersion: event.schemaVersion,
      data: event.data,
      prevHash,
      hash,
      ...(stateDigest === undefined ? {} : { stateDigest: Buffer.from(stateDigest, 'hex') }),
      ...(snapshot ? { state: gzipSync(Buffer.from(JSON.stringify(snapshotOf(stateAfter)), 'utf8')) } : {}),
      ...(event.type === 'ExecutionStarted' ? { executionStart: EXECUTION_START_MARKER } : {}),
    },
    { removeUndefinedValues: true, convertClassInstanceToMap: false },
  );
};
