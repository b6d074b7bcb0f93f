import type { DrsContext, Json, OperationResult } from '../context';
import { validationError } from '../errors';
import { paginate } from '../pagination';
import type { SnapshotRecord } from '../records';
import { snapshotsOf } from '../snapshots';
import { ISO8601_DATE_TIME, optionalObject, optionalPositiveInt, optionalString, requiredString, SOURCE_SERVER_ID } from '../validation';

/** A snapshot's place in time: when it was taken, or when it is expected while DRS still creates it. */
const timeOf = (snapshot: SnapshotRecord): number => Date.parse(snapshot.timestamp ?? snapshot.expectedTimestamp);

const sortKey = (snapshot: SnapshotRecord): string => `${String(timeOf(snapshot)).padStart(16, '0')}|${snapshot.snapshotID}`;

/**
 * POST /DescribeRecoverySnapshots -> 200 { items, nextToken? }: the server's snapshots within
 * [fromDateTime, toDateTime], ASC (the default) or DESC. DRS's model has no ResourceNotFoundException here: an
 * unknown server has no snapshots.
 */
export const describeRecoverySnapshots = (context: DrsContext, body: Json): OperationResult => {
  const sourceServerID = requiredString(body, 'sourceServerID', SOURCE_SERVER_ID);
  const filters = optionalObject(body, 'filters') ?? {};
  const fromDateTime = optionalString(filters, 'fromDateTime', ISO8601_DATE_TIME, 'filters.fromDateTime');
  const toDateTime = optionalString(filters, 'toDateTime', ISO8601_DATE_TIME, 'filters.toDateTime');
  const order = optionalString(body, 'order') ?? 'ASC';
  if (order !== 'ASC' && order !== 'DESC') {
    throw validationError('order must be ASC or DESC', [{ name: 'order', message: 'Member must be ASC or DESC' }]);
  }
  const maxResults = optionalPositiveInt(body, 'maxResults');
  const nextToken = optionalString(body, 'nextToken');
  const from = fromDateTime ? Date.parse(fromDateTime) : -Infinity;
  const to = toDateTime ? Date.parse(toDateTime) : Infinity;
  const known = context.store.sourceServers.has(sourceServerID);
  const all = known ? snapshotsOf(sourceServerID, context.store.serverState(sourceServerID), context.now()) : [];
  const direction = order === 'ASC' ? 1 : -1;
  const matching = all
    .filter((snapshot) => timeOf(snapshot) >= from && timeOf(snapshot) <= to)
    .sort((a, b) => (sortKey(a) < sortKey(b) ? -direction : direction));
  const page = paginate(matching, sortKey, order === 'ASC' ? 'asc' : 'desc', {
    operation: 'DescribeRecoverySnapshots',
    maxResults,
    nextToken,
    defaultPageSize: context.defaultPageSize,
  });
  return {
    status: 200,
    body: {
      items: page.items.map((snapshot) => ({ ...snapshot, sourceServerID })),
      ...(page.nextToken ? { nextToken: page.nextToken } : {}),
    },
  };
};
