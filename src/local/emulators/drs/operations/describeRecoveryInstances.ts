import type { DrsContext, Json, OperationResult } from '../context';
import { paginate } from '../pagination';
import {
  optionalArray,
  optionalObject,
  optionalPositiveInt,
  optionalString,
  RECOVERY_INSTANCE_ID,
  SOURCE_SERVER_ID,
  stringList,
} from '../validation';
import { recoveryInstances } from '../views';

/** POST /DescribeRecoveryInstances -> 200 { items, nextToken? }: launched instances (RUNNING, SHUTTING-DOWN, TERMINATED). */
export const describeRecoveryInstances = (context: DrsContext, body: Json): OperationResult => {
  const filters = optionalObject(body, 'filters') ?? {};
  const instanceIds = stringList(
    optionalArray(filters, 'recoveryInstanceIDs', 0, 200, 'filters.recoveryInstanceIDs'),
    'filters.recoveryInstanceIDs',
    RECOVERY_INSTANCE_ID,
  );
  const serverIds = stringList(
    optionalArray(filters, 'sourceServerIDs', 0, 200, 'filters.sourceServerIDs'),
    'filters.sourceServerIDs',
    SOURCE_SERVER_ID,
  );
  const maxResults = optionalPositiveInt(body, 'maxResults');
  const nextToken = optionalString(body, 'nextToken');
  const wantedInstances = instanceIds && instanceIds.length > 0 ? new Set(instanceIds) : undefined;
  const wantedServers = serverIds && serverIds.length > 0 ? new Set(serverIds) : undefined;
  const matching = recoveryInstances(context.store.jobs, context.now(), context.arns)
    .map((instance) => instance.wire)
    .filter(
      (instance) =>
        (!wantedInstances || wantedInstances.has(instance.recoveryInstanceID ?? '')) &&
        (!wantedServers || wantedServers.has(instance.sourceServerID ?? '')),
    )
    .sort((a, b) => ((a.recoveryInstanceID ?? '') < (b.recoveryInstanceID ?? '') ? -1 : 1));
  const page = paginate(matching, (instance) => instance.recoveryInstanceID ?? '', 'asc', {
    operation: 'DescribeRecoveryInstances',
    maxResults,
    nextToken,
    defaultPageSize: context.defaultPageSize,
  });
  return { status: 200, body: { items: page.items, ...(page.nextToken ? { nextToken: page.nextToken } : {}) } };
};
